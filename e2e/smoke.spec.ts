import { expect, test } from '@playwright/test';

test('home page introduces the playground without console errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto('/');

  await expect(page.locator('h1')).toHaveText('Network Policy Playground');
  await expect(page).toHaveTitle(/Network Policy Playground/);
  await expect(page.getByRole('heading', { name: 'Lessons' })).toBeVisible();
  // The built site declares a Content-Security-Policy that allows only its own scripts.
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(problems).toEqual([]);
});
