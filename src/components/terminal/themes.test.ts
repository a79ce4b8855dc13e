import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { contrastRatio } from '../theme/contrast.ts';
import { TERMINAL_THEMES } from './themes.ts';

const TEXT_COLOURS = [
  'foreground',
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
  'brightBlack',
  'brightRed',
  'brightGreen',
  'brightYellow',
  'brightBlue',
  'brightMagenta',
  'brightCyan',
  'brightWhite',
] as const;

describe.each(['light', 'dark'] as const)('the %s terminal theme', (name) => {
  const theme = TERMINAL_THEMES[name];

  test.each(TEXT_COLOURS)('%s is readable on the background (WCAG AA, 4.5:1)', (key) => {
    const colour = theme[key];
    expect(colour).toMatch(/^#[0-9a-f]{6}$/i);
    expect(contrastRatio(colour!, theme.background!)).toBeGreaterThanOrEqual(4.5);
  });

  test('selected text is readable', () => {
    expect(
      contrastRatio(theme.selectionForeground!, theme.selectionBackground!),
    ).toBeGreaterThanOrEqual(4.5);
  });
});

test('the terminal backgrounds are the ones global.css paints around it', () => {
  const css = readFileSync(new URL('../../styles/global.css', import.meta.url), 'utf8');
  const { light, dark } = TERMINAL_THEMES;
  expect(css).toContain(`--terminal-bg: light-dark(${light.background}, ${dark.background});`);
});
