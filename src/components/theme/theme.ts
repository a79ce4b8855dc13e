/**
 * The page's colour theme. Without a choice the page follows `prefers-color-scheme` through CSS
 * alone; a choice made with the header toggle is kept in localStorage and shown as
 * `data-theme="light|dark"` on `<html>`, which the style sheets let win over the system setting.
 *
 * `public/theme-init.js` applies a saved choice before the body is drawn (a classic script,
 * because module scripts run only after the document is parsed); this module does everything
 * else: the toggle, and telling the editor and the terminal when the colours change.
 */

/** The two colour themes. */
export type Theme = 'light' | 'dark';

/**
 * Where the choice is saved. `public/theme-init.js` reads the same key, and the embed's `theme`
 * parameter goes through the same attribute.
 */
export const THEME_STORAGE_KEY = 'netpol-playground:theme';

/** The attribute on `<html>` that overrides the system setting. */
export const THEME_ATTRIBUTE = 'data-theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** A theme name, or null for anything else (a missing or foreign value). */
export function parseTheme(value: unknown): Theme | null {
  return value === 'light' || value === 'dark' ? value : null;
}

/** The theme in effect: the page's explicit choice when it has one, else the system's. */
export function resolveTheme(chosen: Theme | null, systemPrefersDark: boolean): Theme {
  return chosen ?? (systemPrefersDark ? 'dark' : 'light');
}

/** The opposite theme; what the toggle switches to. */
export function otherTheme(theme: Theme): Theme {
  return theme === 'dark' ? 'light' : 'dark';
}

function darkQuery(): MediaQueryList | undefined {
  return typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : undefined;
}

/** The theme the page shows now. */
export function pageTheme(): Theme {
  return resolveTheme(
    parseTheme(document.documentElement.getAttribute(THEME_ATTRIBUTE)),
    darkQuery()?.matches ?? false,
  );
}

/** The saved choice, or null when there is none or storage is unavailable. */
export function savedTheme(): Theme | null {
  try {
    return parseTheme(globalThis.localStorage?.getItem(THEME_STORAGE_KEY));
  } catch {
    return null;
  }
}

/** Shows `theme` on the page and, unless `remember` is false, saves it for the next visit. */
export function setPageTheme(theme: Theme, remember = true): void {
  document.documentElement.setAttribute(THEME_ATTRIBUTE, theme);
  if (!remember) return;
  try {
    globalThis.localStorage?.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage is full or disabled: the choice lasts until the page is left.
  }
}

/**
 * Calls `listener` whenever the page's theme changes, whether through the attribute (the toggle,
 * another tab, the embed's parameter) or through the system setting. Returns the unsubscribe.
 */
export function watchPageTheme(listener: (theme: Theme) => void): () => void {
  let current = pageTheme();
  const check = (): void => {
    const next = pageTheme();
    if (next === current) return;
    current = next;
    listener(next);
  };
  const observer = new MutationObserver(check);
  observer.observe(document.documentElement, { attributeFilter: [THEME_ATTRIBUTE] });
  const query = darkQuery();
  query?.addEventListener('change', check);
  return () => {
    observer.disconnect();
    query?.removeEventListener('change', check);
  };
}

/**
 * Makes `button` the theme toggle: a toggle button named "Dark theme", pressed while the dark
 * theme is shown. Pressing it switches to the other theme and saves that choice. A choice saved
 * in another tab is followed here too. Returns a function that detaches it.
 */
export function mountThemeToggle(button: HTMLButtonElement): () => void {
  const show = (theme: Theme): void => {
    button.setAttribute('aria-pressed', String(theme === 'dark'));
  };
  const onClick = (): void => setPageTheme(otherTheme(pageTheme()));
  const onStorage = (event: StorageEvent): void => {
    if (event.key !== THEME_STORAGE_KEY) return;
    const theme = parseTheme(event.newValue);
    if (theme) setPageTheme(theme, false);
    else document.documentElement.removeAttribute(THEME_ATTRIBUTE);
  };
  // Normally public/theme-init.js has applied the saved choice already; should it not have
  // loaded, the choice still applies, if late.
  const saved = savedTheme();
  if (saved && !document.documentElement.hasAttribute(THEME_ATTRIBUTE)) setPageTheme(saved, false);
  button.addEventListener('click', onClick);
  window.addEventListener('storage', onStorage);
  const unwatch = watchPageTheme(show);
  show(pageTheme());
  return () => {
    button.removeEventListener('click', onClick);
    window.removeEventListener('storage', onStorage);
    unwatch();
  };
}
