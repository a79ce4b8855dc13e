/**
 * The editor's colour themes, one per page theme: Monaco's own `vs` and `vs-dark` with the colours
 * that fall short of WCAG AA contrast replaced. monaco.ts registers them; the policy editor picks
 * one by name.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { Theme } from '../theme/theme.ts';

/** Monaco theme names per page theme. */
export const EDITOR_THEME_NAMES: Readonly<Record<Theme, string>> = {
  light: 'netpol-light',
  dark: 'netpol-dark',
};

/** Monaco theme data per page theme. */
export const EDITOR_THEMES: Readonly<Record<Theme, Monaco.editor.IStandaloneThemeData>> = {
  light: { base: 'vs', inherit: true, rules: [], colors: {} },
  dark: {
    base: 'vs-dark',
    inherit: true,
    // vs-dark's comment green (#608b4e) has a contrast of 4.2:1 on its background; this one,
    // the green of later VS Code dark themes, has 5:1.
    rules: [{ token: 'comment', foreground: '6a9955' }],
    colors: {},
  },
};
