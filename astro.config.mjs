// @ts-check
import { defineConfig } from 'astro/config';

// A fully static site: every page is prerendered and the policy engine runs in the browser.
export default defineConfig({
  output: 'static',
  server: { port: 4321 },
  devToolbar: { enabled: false },
});
