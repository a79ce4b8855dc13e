// @ts-check
import { defineConfig } from 'astro/config';

// A fully static site: every page is prerendered and the policy engine runs in the browser.
export default defineConfig({
  output: 'static',
  server: { port: 4321 },
  devToolbar: { enabled: false },
  vite: {
    build: {
      // Every script and asset is its own file: the Content-Security-Policy allows no inline
      // scripts.
      assetsInlineLimit: 0,
    },
    resolve: {
      alias: [
        // monaco-yaml's worker imports Monaco's worker script by its old deep path
        // (monaco-editor/esm/vs/...), which Monaco's package exports no longer map.
        { find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: 'monaco-editor/$1' },
      ],
    },
  },
});
