/**
 * The terminal's colours for each page theme. The backgrounds equal `--terminal-bg` in
 * global.css, which paints the frame around xterm.js. Every text colour, the sixteen ANSI ones
 * included, keeps a contrast of at least 4.5:1 on its background (themes.test.ts).
 */
import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../theme/theme.ts';

/** xterm.js colours per page theme. */
export const TERMINAL_THEMES: Readonly<Record<Theme, Readonly<ITheme>>> = {
  light: {
    background: '#ffffff',
    foreground: '#17212b',
    cursor: '#0f5f8c',
    cursorAccent: '#ffffff',
    selectionBackground: '#b6d6ee',
    selectionForeground: '#17212b',
    black: '#24292f',
    red: '#cf222e',
    green: '#116329',
    yellow: '#7d4e00',
    blue: '#0550ae',
    magenta: '#8250df',
    cyan: '#1b7c83',
    white: '#57606a',
    brightBlack: '#57606a',
    brightRed: '#a40e26',
    brightGreen: '#1a7f37',
    brightYellow: '#633c01',
    brightBlue: '#0969da',
    brightMagenta: '#8250df',
    brightCyan: '#1b7c83',
    brightWhite: '#6e7781',
  },
  dark: {
    background: '#10161c',
    foreground: '#e6edf3',
    cursor: '#8fd3ff',
    cursorAccent: '#10161c',
    selectionBackground: '#2b4a60',
    selectionForeground: '#e6edf3',
    // ANSI black would vanish on a dark background; grey keeps such text readable.
    black: '#8b949e',
    red: '#ff7b72',
    green: '#3fb950',
    yellow: '#d29922',
    blue: '#79c0ff',
    magenta: '#d2a8ff',
    cyan: '#39c5cf',
    white: '#b1bac4',
    brightBlack: '#8b949e',
    brightRed: '#ffa198',
    brightGreen: '#56d364',
    brightYellow: '#e3b341',
    brightBlue: '#a5d6ff',
    brightMagenta: '#e2c5ff',
    brightCyan: '#56d4dd',
    brightWhite: '#f0f6fc',
  },
};
