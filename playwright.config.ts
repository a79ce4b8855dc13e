import { defineConfig, devices } from '@playwright/test';

// PORT lets two checkouts run their browser tests side by side.
const port = Number(process.env['PORT'] ?? 4321);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium is used instead of a browser build downloaded by Playwright (the site
// benchmark launches it the same way).
export const launchOptions = {
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-quic',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  forbidOnly: !!process.env['CI'],
  // One retry: editor tests that measure Monaco's layout can trip on a slow first paint.
  retries: 1,
  workers: 2,
  reporter: 'list',
  use: {
    baseURL,
    launchOptions,
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions },
    },
  ],
  webServer: {
    command: `npx astro preview --port ${port} --host 127.0.0.1`,
    url: baseURL,
    reuseExistingServer: !process.env['CI'],
    timeout: 60_000,
  },
});
