/** Background traffic read from YAML. */
import { describe, expect, test } from 'vitest';
import { periodSeconds, readTraffic } from './traffic.ts';

describe('periods', () => {
  test.each([
    ['3s', 3],
    ['500ms', 0.5],
    ['1m', 60],
    [2, 2],
    ['1.5s', 1.5],
    ['0s', null],
    ['soon', null],
    ['-3s', null],
  ])('%s → %s seconds', (v, want) => {
    expect(periodSeconds(v)).toBe(want);
  });
});

describe('traffic documents', () => {
  test('a list of probes with their periods', () => {
    const { sources, problems } = readTraffic(`traffic:
  - every: 3s
    probe: {id: bot, from: a/b, to: svc:a/web, port: 80, http: {path: /}}
  - probe: {from: a/b, to: a/c, port: 53}
`);
    expect(problems).toEqual([]);
    expect(sources).toEqual([
      {
        everySeconds: 3,
        probe: { id: 'bot', from: 'a/b', to: 'svc:a/web', port: 80, http: { path: '/' } },
      },
      { everySeconds: 5, probe: { id: 'traffic-2', from: 'a/b', to: 'a/c', port: 53 } },
    ]);
  });

  test.each([
    ['traffic: {}', 'traffic must be a list'],
    ['traffic: [{every: 3s}]', 'traffic[0]: needs a probe'],
    ['traffic: [{every: never, probe: {from: a/b, to: a/c}}]', 'traffic[0]: needs every'],
    ['traffic: [oops', 'Flow sequence'],
  ])('%s is reported, not thrown', (text, problem) => {
    const { sources, problems } = readTraffic(text);
    expect(sources).toEqual([]);
    expect(problems[0]).toContain(problem);
  });
});
