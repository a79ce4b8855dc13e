/** When the page asks the worker for lint findings: after changes pause, one request at a time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LintFinding } from '../../worker/api.ts';
import { LINT_DELAY_MS, lintScheduler } from './policy-doctor.ts';

const finding = (message: string): LintFinding => ({
  file: 'policy.yaml',
  startLine: 1,
  startColumn: 1,
  endLine: 1,
  endColumn: 2,
  code: 'empty-list-no-default-deny',
  severity: 'warning',
  message,
});

/** A lint call that answers when the test says so. */
function pendingLint() {
  const calls: ((findings: LintFinding[] | null) => void)[] = [];
  const lint = vi.fn(() => new Promise<LintFinding[] | null>((resolve) => calls.push(resolve)));
  return { lint, answer: (i: number, f: LintFinding[] | null) => calls[i]!(f) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('lint scheduler', () => {
  it('asks once, a while after the last of many changes', async () => {
    const { lint, answer } = pendingLint();
    const shown: LintFinding[][] = [];
    const s = lintScheduler(lint, (f) => shown.push(f));
    for (let i = 0; i < 10; i++) {
      s.schedule();
      await vi.advanceTimersByTimeAsync(LINT_DELAY_MS / 2);
    }
    expect(lint).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(LINT_DELAY_MS);
    expect(lint).toHaveBeenCalledTimes(1);
    answer(0, [finding('a')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(shown).toEqual([[finding('a')]]);
  });

  it('keeps one request out at a time and asks again once it is done', async () => {
    const { lint, answer } = pendingLint();
    const shown: string[] = [];
    const s = lintScheduler(lint, (f) => shown.push(f.map((x) => x.message).join()), 10);
    s.schedule();
    await vi.advanceTimersByTimeAsync(10);
    s.schedule();
    await vi.advanceTimersByTimeAsync(10);
    s.schedule();
    await vi.advanceTimersByTimeAsync(10);
    expect(lint).toHaveBeenCalledTimes(1);
    answer(0, [finding('old')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(lint).toHaveBeenCalledTimes(2);
    answer(1, [finding('new')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(shown).toEqual(['old', 'new']);
  });

  it('shows nothing for an overtaken or failed request, nor after dispose', async () => {
    const shown: LintFinding[][] = [];
    const answers: (LintFinding[] | null | Error)[] = [null, new Error('restarted'), []];
    const lint = vi.fn(() => {
      const a = answers.shift();
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a ?? null);
    });
    const s = lintScheduler(lint, (f) => shown.push(f), 10);
    s.schedule();
    await vi.advanceTimersByTimeAsync(10);
    s.schedule();
    await vi.advanceTimersByTimeAsync(10);
    expect(shown).toEqual([]);
    s.schedule();
    s.dispose();
    await vi.advanceTimersByTimeAsync(100);
    expect(lint).toHaveBeenCalledTimes(2);
    s.schedule();
    await vi.advanceTimersByTimeAsync(100);
    expect(lint).toHaveBeenCalledTimes(2);
    expect(shown).toEqual([]);
  });
});
