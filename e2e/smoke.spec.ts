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
  expect(problems).toEqual([]);
});
