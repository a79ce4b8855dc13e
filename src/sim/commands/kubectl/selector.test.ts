/** `-l` selectors as `labels.Parse` reads them, and selectors printed as kubectl prints them. */
import { describe, expect, test } from 'vitest';
import { formatLabels, formatLabelSelector, matchesSelector, parseSelector } from './selector.ts';

const WEB = { app: 'web', tier: 'front' };
const DB = { app: 'db' };

describe('parseSelector + matchesSelector', () => {
  test.each([
    ['', true, true],
    ['app=web', true, false],
    ['app==web', true, false],
    ['app!=web', false, true],
    ['app=web,tier=front', true, false],
    ['app in (web,db)', true, true],
    ['app in (web, db)', true, true],
    ['app notin (web)', false, true],
    ['tier', true, false],
    ['!tier', false, true],
    ['tier,app', true, false],
    ['app.kubernetes.io/name', false, false],
  ])('%j selects web: %s, db: %s', (text, web, db) => {
    const parsed = parseSelector(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(matchesSelector(parsed.requirements, WEB)).toBe(web);
    expect(matchesSelector(parsed.requirements, DB)).toBe(db);
  });

  test.each(['app in web', 'app=web,', '=web', 'app=(x)'])('malformed: %j', (text) => {
    expect(parseSelector(text).ok).toBe(false);
  });
});

describe('formatting', () => {
  test('labels sorted, comma-joined, <none> when empty', () => {
    expect(formatLabels({ tier: 'front', app: 'web' })).toBe('app=web,tier=front');
    expect(formatLabels({})).toBe('<none>');
  });
  test.each([
    [{}, '<none>'],
    [{ matchLabels: { app: 'backend' } }, 'app=backend'],
    [
      {
        matchLabels: { role: 'db' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'staging'] },
          { key: 'team', operator: 'NotIn', values: ['x'] },
          { key: 'canary', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      'role=db,env in (prod,staging),team notin (x),canary,!legacy',
    ],
  ])('selector %j → %s', (sel, text) => {
    expect(formatLabelSelector(sel)).toBe(text);
  });
});
