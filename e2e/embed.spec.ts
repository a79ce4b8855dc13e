import { expect, test } from '@playwright/test';
import { appReady, watchProblems } from './support.ts';

test('a docs page embeds the playground, which resizes itself and answers messages', async ({
  page,
}) => {
  const problems = watchProblems(page);
  await page.goto('/embed-demo/');
  await expect(page.locator('body')).toHaveAttribute('data-embed-ready', 'true', {
    timeout: 30_000,
  });
  const frame = page.frameLocator('#demo-embed iframe');
  await expect(frame.getByRole('region', { name: 'Terminal' })).toBeVisible();
  await expect(frame.getByRole('region', { name: 'Flow graph' })).toBeVisible();
  // Panes not asked for stay hidden.
  await expect(frame.getByRole('region', { name: 'Policy editor' })).toHaveCount(0);
  // The host script sized the iframe from the embed's height report.
  const height = await page
    .locator('#demo-embed iframe')
    .evaluate((el) => (el as HTMLIFrameElement).style.height);
  expect(height).toMatch(/^\d+px$/);

  await page.getByRole('button', { name: 'kubectl get pods -n db' }).click();
  await expect(page.locator('#demo-output')).toContainText('postgres-0');
  expect(problems).toEqual([]);
});

test('the embed ignores messages from origins it was not told about', async ({ page }) => {
  await page.goto('/embed/?scenario=lock-the-database&panes=terminal');
  await appReady(page.locator('#embed'));
  const send = (origin: string, name: string) =>
    page.evaluate(
      ([o, n]) =>
        window.dispatchEvent(
          new MessageEvent('message', {
            data: {
              source: 'netpol-playground',
              type: 'run',
              command: `kubectl create namespace ${n}`,
            },
            origin: o,
          }),
        ),
      [origin, name] as const,
    );
  await send('https://evil.example', 'from-evil');
  await send(new URL(page.url()).origin, 'from-self');
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await terminal.click();
  await page.keyboard.type('kubectl get ns from-self from-evil\n');
  await expect(terminal).toContainText('namespaces "from-evil" not found');
  await expect(terminal).toContainText(/from-self\s+Active/);
});
