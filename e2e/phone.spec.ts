/**
 * The lesson page and the playground on a phone: the panes stack in one column, nothing is wider
 * than the screen, and the terminal works by touch (tap it, type, press Enter).
 */
import { devices, expect, test, type Locator, type Page } from '@playwright/test';
import { appReady, watchProblems } from './support.ts';

// The phone's screen, touch and user agent; the browser stays the one playwright.config.ts
// launches (Debian's Chromium), so nothing is downloaded.
const phone = devices['Pixel 7'];
test.use({
  viewport: phone.viewport,
  deviceScaleFactor: phone.deviceScaleFactor,
  isMobile: phone.isMobile,
  hasTouch: phone.hasTouch,
  userAgent: phone.userAgent,
});

/** Fails when the page scrolls sideways. */
async function expectNoSidewaysScroll(page: Page) {
  const sizes = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(sizes.scroll, 'document width').toBeLessThanOrEqual(sizes.viewport);
  expect(sizes.body, 'body width').toBeLessThanOrEqual(sizes.viewport);
}

/** Fails unless the boxes are stacked top to bottom in this order, each inside the screen. */
async function expectStacked(page: Page, panes: Locator[]) {
  const width = page.viewportSize()!.width;
  let bottom = -Infinity;
  for (const pane of panes) {
    const box = await pane.boundingBox();
    expect(box, 'pane is laid out').not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(width);
    expect(box!.y, 'pane starts below the one before').toBeGreaterThanOrEqual(bottom);
    bottom = box!.y + box!.height;
  }
}

/** Taps the terminal, types `kubectl get pods` and Enter, and waits for the answer. */
async function useTerminal(page: Page) {
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await terminal.scrollIntoViewIfNeeded();
  await terminal.tap();
  await page.keyboard.type('kubectl get pods');
  await page.keyboard.press('Enter');
  const rows = terminal.locator('.xterm-rows');
  await expect(rows).toContainText('$ kubectl get pods');
  await expect(rows).toContainText(/No resources found in default namespace|NAME\s+READY/, {
    timeout: 15_000,
  });
}

for (const { page: what, url, root, regions } of [
  {
    page: 'a lesson',
    url: '/lessons/lock-the-database/',
    root: '#lesson',
    regions: ['Instructions', 'Policy editor', 'Terminal', 'Flow graph'],
  },
  {
    page: 'the playground',
    url: '/playground/',
    root: '#playground',
    regions: ['Policy editor', 'Terminal', 'Flow graph'],
  },
])
  test(`${what} stacks its panes on a phone and its terminal works by touch`, async ({ page }) => {
    const problems = watchProblems(page);
    await page.goto(url);
    await appReady(page.locator(root));
    await expect(page.getByRole('region', { name: 'Flow graph' })).toHaveAttribute(
      'data-state',
      'ready',
    );
    await expectStacked(
      page,
      regions.map((name) => page.getByRole('region', { name })),
    );
    await expectNoSidewaysScroll(page);
    await useTerminal(page);
    await expectNoSidewaysScroll(page);
    expect(problems).toEqual([]);
  });

test('the header and its theme toggle fit on a phone', async ({ page }) => {
  await page.goto('/');
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toBeVisible();
  const box = await toggle.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  // Big enough to hit with a finger (WCAG 2.5.8 asks for 24 by 24 CSS pixels at least).
  expect(box!.height).toBeGreaterThanOrEqual(24);
  await toggle.tap();
  await expect(page.locator('html')).toHaveAttribute('data-theme', /^(light|dark)$/);
  await expectNoSidewaysScroll(page);
});
