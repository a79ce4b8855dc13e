/** Share links round-trip exactly; damaged, foreign and future links explain themselves. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeState, encodeState, type SharedState } from './link.ts';

const STATE: SharedState = {
  v: 1,
  files: [
    { name: 'cluster.yaml', text: 'apiVersion: v1\nkind: Pod\n# ünïcödé ✓\n', readOnly: true },
    { name: 'policy.yaml', text: 'spec:\n  ingress: [{}]\n' },
  ],
  zone: { 'api.github.com': ['140.82.112.6'] },
  history: ['kubectl get pods', 'curl -s http://web'],
  scenario: 'flask-postgres',
};

describe('share links', () => {
  test('round trip', async () => {
    const link = await encodeState(STATE);
    expect(link).toMatch(/^s=1\.[A-Za-z0-9_-]+$/);
    expect(await decodeState(`#${link}`)).toEqual({ state: STATE });
  });

  test('any state round-trips exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: fc.string(), text: fc.string({ unit: 'binary' }) }), {
          maxLength: 4,
        }),
        async (files) => {
          const state: SharedState = { v: 1, files };
          expect(await decodeState(await encodeState(state))).toEqual({ state });
        },
      ),
      { numRuns: 50 },
    );
  });

  test.each([
    ['', 'this link holds no shared playground'],
    ['#section-2', 'this link holds no shared playground'],
    ['#s=1.!!!', 'this link is damaged'],
    ['#s=x.abc', 'this link is damaged'],
    ['#s=2.abc', 'this link was made by a newer version of the playground (format 2)'],
    ['#s=1.AAAA', 'this link is damaged (it may have been cut short)'],
  ])('%j → %s', async (fragment, error) => {
    expect(await decodeState(fragment)).toEqual({ error });
  });

  test('a cut-short link is reported, not thrown', async () => {
    const link = await encodeState(STATE);
    const r = await decodeState(link.slice(0, Math.floor(link.length / 2)));
    expect(r).toHaveProperty('error');
  });
});
