/**
 * The light and dark themes: the header toggle (by keyboard), the saved choice, the system
 * setting as the default, the theme in place before the page is drawn, and every part of a
 * lesson (page, editor, terminal, graph) following a switch at once.
 */
import { expect, test, type Page } from '@playwright/test';
import { appReady, watchProblems } from './support.ts';

const THEME_STORAGE_KEY = 'netpol-playground:theme';

/** Page and pane colours as the browser computes them. */
async function colours(page: Page) {
  return page.evaluate(() => {
    const bg = (selector: string) => {
      const el = document.querySelector(selector);
      return el ? getComputedStyle(el).backgroundColor : null;
    };
    const xterm = document.querySelector('.xterm-rows');
    return {
      page: getComputedStyle(document.documentElement).backgroundColor,
      editor: bg('.monaco-editor-background'),
      terminal: xterm ? getComputedStyle(xterm).color : null,
      graph: bg('.fg-canvas'),
    };
  });
}

const LIGHT = {
  page: 'rgb(247, 249, 251)',
  editor: 'rgb(255, 255, 254)',
  terminal: 'rgb(23, 33, 43)',
  graph: 'rgb(251, 252, 253)',
};
const DARK = {
  page: 'rgb(16, 22, 28)',
  editor: 'rgb(30, 30, 30)',
  terminal: 'rgb(230, 237, 243)',
  graph: 'rgb(13, 19, 24)',
};

/**
 * From the very start of the document, records in order when `<html>` got a theme and when the
 * parser added `<body>` (mutation records keep the order in which things happened), and returns
 * a function telling whether the theme came first.
 */
async function themeBeforeBody(page: Page): Promise<() => Promise<boolean>> {
  await page.addInitScript(() => {
    const events: string[] = [];
    (window as unknown as { themeEvents: string[] }).themeEvents = events;
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes' && record.target === document.documentElement)
          events.push('theme');
        for (const node of record.addedNodes) if (node.nodeName === 'BODY') events.push('body');
      }
    }).observe(document, { childList: true, subtree: true, attributeFilter: ['data-theme'] });
  });
  return async () => {
    const events = await page.evaluate(
      () => (window as unknown as { themeEvents: string[] }).themeEvents,
    );
    const theme = events.indexOf('theme');
    return theme >= 0 && theme < events.indexOf('body');
  };
}

test('the header toggle switches every part of a lesson and is remembered', async ({ page }) => {
  const problems = watchProblems(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/lessons/lock-the-database/');
  await appReady(page.locator('#lesson'));
  await expect(page.getByRole('region', { name: 'Flow graph' })).toHaveAttribute(
    'data-state',
    'ready',
  );
  const toggle = page.getByRole('banner').getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(await colours(page)).toEqual(LIGHT);

  // Keyboard only: the skip link, the site name, then the toggle.
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(toggle).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => colours(page)).toEqual(DARK);
  expect(await page.evaluate((k) => localStorage.getItem(k), THEME_STORAGE_KEY)).toBe('dark');

  // The choice outlives a reload and wins over the system setting.
  await page.reload();
  await appReady(page.locator('#lesson'));
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => colours(page)).toEqual(DARK);

  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => colours(page)).toEqual(LIGHT);
  expect(problems).toEqual([]);
});

test('without a choice the page follows the system setting, also when it changes', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/playground/');
  await appReady(page.locator('#playground'));
  await expect(page.getByRole('region', { name: 'Flow graph' })).toHaveAttribute(
    'data-state',
    'ready',
  );
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => colours(page)).toEqual(DARK);

  await page.emulateMedia({ colorScheme: 'light' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => colours(page)).toEqual(LIGHT);
});

test('a saved choice is in place before the page body exists', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  const themeCameFirst = await themeBeforeBody(page);
  await page.goto('/');
  expect(await themeCameFirst()).toBe(false);
  await page.evaluate((k) => localStorage.setItem(k, 'dark'), THEME_STORAGE_KEY);
  await page.reload();
  expect(await themeCameFirst()).toBe(true);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect((await colours(page)).page).toBe(DARK.page);
});

test('the embed has no toggle and takes its theme from its URL only', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  const themeCameFirst = await themeBeforeBody(page);
  await page.goto('/');
  // A choice saved on the site does not reach embeds, which the host page themes.
  await page.evaluate((k) => localStorage.setItem(k, 'light'), THEME_STORAGE_KEY);
  await page.goto('/embed/?scenario=lock-the-database&theme=dark');
  expect(await themeCameFirst()).toBe(true);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await appReady(page.locator('#embed'));
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveCount(0);
  await expect.poll(() => colours(page)).toEqual(DARK);
});
