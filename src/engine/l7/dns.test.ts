/**
 * DNS name selectors (brief §45–§46).
 *
 * | selector                       | name                 | match |
 * |--------------------------------|----------------------|-------|
 * | matchPattern *.example.com     | a.example.com        | yes   |
 * | matchPattern *.example.com     | example.com          | no    |
 * | matchPattern *.example.com     | a.b.example.com      | no    |
 * | matchPattern *                 | anything             | yes   |
 * | matchName example.com          | EXAMPLE.com.         | yes   |
 */
import { describe, expect, test } from 'vitest';
import {
  isValidMatchName,
  isValidMatchPattern,
  selectorMatches,
  type NameSelector,
} from './dns.ts';

const CASES: [NameSelector, string, boolean][] = [
  [{ matchPattern: '*.example.com' }, 'a.example.com', true],
  [{ matchPattern: '*.example.com' }, 'example.com', false],
  [{ matchPattern: '*.example.com' }, 'a.b.example.com', false],
  [{ matchPattern: '*.example.com.' }, 'A.Example.COM', true],
  [{ matchPattern: '*' }, 'api.github.com', true],
  [{ matchPattern: '*' }, 'x', true],
  [{ matchPattern: 'img*.x.io' }, 'img.x.io', true],
  [{ matchPattern: 'img*.x.io' }, 'img-7.x.io', true],
  [{ matchPattern: 'db-*.x.io' }, 'db.x.io', false],
  [{ matchPattern: '*.*.svc.cluster.local.' }, 'web.prod.svc.cluster.local', true],
  [{ matchPattern: '*.*.svc.cluster.local.' }, 'web.svc.cluster.local', false],
  [{ matchPattern: 'api.github.com' }, 'api.github.com', true],
  [{ matchPattern: 'api.github.com' }, 'apixgithub.com', false],
  [{ matchName: 'example.com' }, 'EXAMPLE.com.', true],
  [{ matchName: 'example.com.' }, 'example.com', true],
  [{ matchName: 'example.com' }, 'www.example.com', false],
  [{ matchName: 'example.com' }, 'example.co', false],
];

describe('selectorMatches', () => {
  test.each(CASES)('%j covers %s: %s', (sel, name, expected) => {
    expect(selectorMatches(sel, name)).toBe(expected);
  });
});

describe('validation', () => {
  test.each([
    ['example.com', true],
    ['example.com.', true],
    ['ex ample.com', false],
    ['*.example.com', false],
  ])('matchName %s valid: %s', (s, ok) => expect(isValidMatchName(s)).toBe(ok));
  test.each([
    ['*', true],
    ['*.example.com', true],
    ['**.example.com', true],
    ['ex(ample).com', false],
  ])('matchPattern %s valid: %s', (s, ok) => expect(isValidMatchPattern(s)).toBe(ok));
});

describe('validation edge cases', () => {
  test.each([
    ['a', true],
    ['a.b_c-d.', true],
    ['.example.com', false],
    ['a..b', false],
    ['', false],
    ['a.*', false],
  ])('matchName %j valid: %s', (s, ok) => expect(isValidMatchName(s)).toBe(ok));
  test.each([
    ['*.*.svc.cluster.local.', true],
    ['img*.x.io', true],
    ['a..*', false],
    ['', false],
    ['a b', false],
  ])('matchPattern %j valid: %s', (s, ok) => expect(isValidMatchPattern(s)).toBe(ok));

  test('a long invalid name is rejected in linear time', () => {
    const s = `${'a'.repeat(5000)}!`;
    const start = Date.now();
    expect(isValidMatchName(s)).toBe(false);
    expect(isValidMatchPattern(s)).toBe(false);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
