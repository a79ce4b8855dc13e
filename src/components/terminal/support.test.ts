import { describe, expect, it } from 'vitest';
import { stripAnsi, visibleWidth } from './ansi.ts';
import { HISTORY_LIMIT, loadHistory, saveHistory, type HistoryStorage } from './history.ts';
import { realWait } from './wait.ts';

class MemoryStorage implements HistoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

describe('stripAnsi', () => {
  it('removes colours, cursor moves, titles and carriage returns', () => {
    expect(stripAnsi('\x1b[1;32mok\x1b[0m done\r\n')).toBe('ok done\n');
    expect(stripAnsi('\x1b]0;title\x07a\x1b[2Kb\x1b=c\x1b')).toBe('abc');
    expect(stripAnsi('tab\tkept\x07')).toBe('tab\tkept');
  });

  it('measures what is shown', () => {
    expect(visibleWidth('\x1b[1m$ \x1b[0m')).toBe(2);
    expect(visibleWidth('🐘 ')).toBe(2);
  });
});

describe('history storage', () => {
  it('saves and loads the lines of one page', () => {
    const storage = new MemoryStorage();
    saveHistory('terminal', ['echo a', 'help'], storage);
    expect(loadHistory('terminal', storage)).toEqual(['echo a', 'help']);
    expect(loadHistory('other', storage)).toEqual([]);
  });

  it('keeps the newest lines only', () => {
    const storage = new MemoryStorage();
    const lines = Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => `echo ${i}`);
    saveHistory('t', lines, storage);
    const loaded = loadHistory('t', storage);
    expect(loaded).toHaveLength(HISTORY_LIMIT);
    expect(loaded[0]).toBe('echo 5');
  });

  it('ignores unreadable, missing or refusing storage', () => {
    const storage = new MemoryStorage();
    storage.items.set('netpol-playground:terminal-history:t', '{not json');
    expect(loadHistory('t', storage)).toEqual([]);
    storage.items.set('netpol-playground:terminal-history:t', '["a", 3, null, "b"]');
    expect(loadHistory('t', storage)).toEqual(['a', 'b']);
    const refusing: HistoryStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadHistory('t', refusing)).toEqual([]);
    expect(() => saveHistory('t', ['x'], refusing)).not.toThrow();
    expect(loadHistory('t', undefined)).toEqual([]);
  });
});

describe('realWait', () => {
  it('shows a tenth of the simulated wait, at most one and a half seconds', () => {
    expect(realWait(0)).toBe(0);
    expect(realWait(2000)).toBe(200);
    expect(realWait(30_000)).toBe(1500);
    expect(realWait(30_000, { scale: 1, maxMs: 5000 })).toBe(5000);
    expect(realWait(30_000, 'instant')).toBe(0);
    expect(realWait(Number.NaN)).toBe(0);
  });
});
