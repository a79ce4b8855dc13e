import { describe, expect, test } from 'vitest';
import { allowedOrigins, readConfig, readHostMessage, SOURCE } from './protocol.ts';

describe('embed protocol', () => {
  test.each([
    [{ source: SOURCE, type: 'run', command: 'kubectl get pods' }, true],
    [{ source: SOURCE, type: 'set-file', name: 'p.yaml', text: 'x' }, true],
    [{ source: SOURCE, type: 'load-scenario', id: 'capstone' }, true],
    [{ source: 'other', type: 'run', command: 'x' }, false],
    [{ source: SOURCE, type: 'run' }, false],
    [{ source: SOURCE, type: 'eval', code: 'x' }, false],
    ['run', false],
  ])('%j accepted: %s', (data, ok) => {
    expect(readHostMessage(data) !== null).toBe(ok);
  });

  test('only listed, exact origins are allowed besides our own', () => {
    const o = allowedOrigins(
      'https://play.example',
      'https://docs.example, *, javascript:x, http://localhost:8080',
    );
    expect([...o].sort()).toEqual([
      'http://localhost:8080',
      'https://docs.example',
      'https://play.example',
    ]);
  });

  test('configuration from the query string', () => {
    const c = readConfig('?scenario=capstone&panes=terminal,graph&readonly=1&theme=dark');
    expect(c).toEqual({
      scenario: 'capstone',
      panes: new Set(['terminal', 'graph']),
      readOnly: true,
      theme: 'dark',
    });
    expect(readConfig('').panes).toEqual(new Set(['editor', 'terminal', 'graph']));
  });
});
