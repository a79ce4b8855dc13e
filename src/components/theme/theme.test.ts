import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { contrastRatio } from './contrast.ts';
import {
  THEME_ATTRIBUTE,
  THEME_STORAGE_KEY,
  otherTheme,
  parseTheme,
  resolveTheme,
} from './theme.ts';

describe('parseTheme', () => {
  test.each([
    ['light', 'light'],
    ['dark', 'dark'],
    ['Dark', null],
    ['', null],
    [null, null],
    [undefined, null],
    [1, null],
  ])('%j → %j', (value, expected) => {
    expect(parseTheme(value)).toBe(expected);
  });
});

describe('resolveTheme', () => {
  // chosen | system prefers dark | shown
  test.each([
    [null, false, 'light'],
    [null, true, 'dark'],
    ['light', true, 'light'],
    ['dark', false, 'dark'],
  ] as const)('choice %j, system dark %j → %s', (chosen, systemDark, expected) => {
    expect(resolveTheme(chosen, systemDark)).toBe(expected);
  });
});

test('otherTheme swaps the two themes', () => {
  expect(otherTheme('light')).toBe('dark');
  expect(otherTheme('dark')).toBe('light');
});

test('the first-paint script reads the same key and sets the same attribute', () => {
  const script = readFileSync(new URL('../../../public/theme-init.js', import.meta.url), 'utf8');
  expect(script).toContain(`'${THEME_STORAGE_KEY}'`);
  expect(script).toContain(`'${THEME_ATTRIBUTE}'`);
});

describe('contrastRatio', () => {
  test.each([
    ['#000000', '#ffffff', 21],
    ['#ffffff', '#ffffff', 1],
    ['#777777', '#ffffff', 4.48],
    ['#1a7f37', '#10161c', 3.58],
  ])('%s on %s is %d', (a, b, expected) => {
    expect(contrastRatio(a, b)).toBeCloseTo(expected, 2);
    expect(contrastRatio(b, a)).toBeCloseTo(expected, 2);
  });

  test('rejects what is not #rrggbb', () => {
    expect(() => contrastRatio('red', '#ffffff')).toThrow(/not a #rrggbb/);
  });
});
