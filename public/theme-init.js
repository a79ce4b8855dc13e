/* global document, localStorage, location, URLSearchParams */
/*
 * Applies the chosen colour theme before the page is drawn, so a page never flashes the other
 * theme first. It is a classic script loaded from the site itself (the Content-Security-Policy
 * allows no inline script, and module scripts only run once the whole document is parsed).
 * `data-source="storage"` reads the choice saved by the header toggle
 * (src/components/theme/theme.ts, same key); `data-source="query"` reads the page's `theme`
 * parameter (the embed). Without a choice the style sheets follow prefers-color-scheme.
 */
(() => {
  const script = document.currentScript;
  let theme = null;
  try {
    theme =
      script && script.getAttribute('data-source') === 'query'
        ? new URLSearchParams(location.search).get('theme')
        : localStorage.getItem('netpol-playground:theme');
  } catch {
    // Storage disabled: the system setting decides.
  }
  if (theme === 'light' || theme === 'dark')
    document.documentElement.setAttribute('data-theme', theme);
})();
