import { describe, expect, test, vi } from 'vitest';
import type { RuleEffect, RuleLens } from '../../worker/api.ts';
import { lensInputsChanged, lensTitle, ruleLensSource } from './rule-lens.ts';

const counts = (c: Partial<Record<RuleEffect, number>>): Record<RuleEffect, number> => ({
  allowed: 0,
  denied: 0,
  'default-deny': 0,
  'l7-refused': 0,
  ...c,
});

describe('lens title', () => {
  test.each([
    [{}, false, 'no flows'],
    [{ allowed: 1 }, false, 'allows 1 flow'],
    [{ allowed: 3, denied: 1 }, false, 'allows 3 flows · denies 1 flow'],
    [{ allowed: 1, 'default-deny': 3 }, false, 'allows 1 flow · denies 3 flows (default deny)'],
    [{ 'l7-refused': 2 }, false, 'refuses 2 requests at L7'],
    [{ allowed: 4 }, true, 'allows 4 flows (at least)'],
  ] as const)('%j (partial: %s) reads "%s"', (c, partial, title) => {
    expect(lensTitle({ counts: counts(c), partial })).toBe(title);
  });
});

describe('lens refresh', () => {
  const row = (seq: number) => ({ seq });
  test.each([
    ['nothing shown yet', undefined, { version: 1, flows: [] }, true],
    ['the same graph', { version: 1, flows: [row(3)] }, { version: 1, flows: [row(3)] }, false],
    ['a new flow', { version: 1, flows: [row(3)] }, { version: 1, flows: [row(3), row(4)] }, true],
    [
      'a full table moving on',
      { version: 1, flows: [row(3)] },
      { version: 1, flows: [row(4)] },
      true,
    ],
    ['other policies', { version: 1, flows: [] }, { version: 2, flows: [] }, true],
  ] as const)('%s', (_name, before, after, changed) => {
    expect(lensInputsChanged(before, after)).toBe(changed);
  });
});

describe('lens source', () => {
  const lens = (allowed: number): RuleLens => ({
    file: 'policy.yaml',
    startLine: 11,
    startColumn: 7,
    endLine: 14,
    endColumn: 1,
    label: 'CiliumNetworkPolicy db/p spec.ingress[0]',
    counts: counts({ allowed }),
    flows: [],
    truncated: false,
    partial: false,
  });

  test('draws a lens per rule and lists what the worker says when it is chosen', async () => {
    let answer: RuleLens[] | null = [lens(1)];
    const chosen: RuleLens[] = [];
    const source = ruleLensSource(
      async () => answer,
      (l) => chosen.push(l),
    );
    const drawn = await source.provide('policy.yaml');
    expect(drawn?.map((d) => [d.title, d.range.startLine])).toEqual([['allows 1 flow', 11]]);
    // Flows arrived since the lens was drawn: the list shows them.
    answer = [lens(2)];
    drawn?.[0]?.select?.();
    await vi.waitFor(() => expect(chosen.map((l) => l.counts.allowed)).toEqual([2]));
    // A superseded answer keeps what is drawn.
    answer = null;
    expect(await source.provide('policy.yaml')).toBeNull();
  });
});
