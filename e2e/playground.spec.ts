import { expect, test } from '@playwright/test';

test('the playground runs a scenario and a share link restores the edited files', async ({
  page,
  browser,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('/playground/');
  const root = page.locator('#playground');
  await expect(root).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'Policy editor' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Flow graph' })).toBeVisible();

  // Edit the learner's file (the last tab), then share.
  const editor = page.getByRole('region', { name: 'Policy editor' });
  await editor.getByRole('tab', { name: /policy\.yaml/ }).click();
  await editor.locator('.monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('\n# shared-marker-42\n');
  await page.getByRole('button', { name: 'Copy a share link' }).click();
  const url = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(url).toMatch(/#s=1\.[A-Za-z0-9_-]+$/);

  const other = await browser.newPage();
  await other.goto(url);
  await expect(other.locator('#playground')).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000,
  });
  const otherEditor = other.getByRole('region', { name: 'Policy editor' });
  await otherEditor.getByRole('tab', { name: /policy\.yaml/ }).click();
  await expect(otherEditor.locator('.view-lines')).toContainText('shared-marker-42');

  // The terminal answers from the same cluster.
  await other.getByRole('region', { name: 'Terminal' }).click();
  await other.keyboard.type('kubectl get ns\n');
  await expect(other.getByRole('region', { name: 'Terminal' })).toContainText('kube-system');
  expect(problems).toEqual([]);
});
