import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { appReady, watchProblems } from './support.ts';

test('the playground runs a scenario and a share link restores the edited files', async ({
  page,
  browser,
}) => {
  const problems = watchProblems(page);
  await page.goto('/playground/');
  const root = page.locator('#playground');
  await appReady(root);
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
  await appReady(other.locator('#playground'));
  const otherEditor = other.getByRole('region', { name: 'Policy editor' });
  await otherEditor.getByRole('tab', { name: /policy\.yaml/ }).click();
  await expect(otherEditor.locator('.view-lines')).toContainText('shared-marker-42');

  // The terminal answers from the same cluster.
  await other.getByRole('region', { name: 'Terminal' }).click();
  await other.keyboard.type('kubectl get ns\n');
  await expect(other.getByRole('region', { name: 'Terminal' })).toContainText('kube-system');
  expect(problems).toEqual([]);
});

test('the playground explains a flow row and counts flows over each rule', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/playground/');
  await appReady(page.locator('#playground'));
  const policy = readFileSync('src/lessons/01-an-open-cluster/solution/policy.yaml', 'utf8');
  const editor = page.getByRole('region', { name: 'Policy editor' });
  await editor.getByRole('tab', { name: /policy\.yaml/ }).click();
  await editor.locator('.monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(policy);
  // The lens over the NetworkPolicy rule: its two peers share it.
  const lens = editor.getByRole('button', { name: /^allows 2 flows · denies 2 flows/ });
  await expect(lens).toBeVisible({ timeout: 10_000 });

  const terminal = page.getByRole('region', { name: 'Terminal' });
  await terminal.click();
  await page.keyboard.type(
    'kubectl exec debug -n dummy -- nc -v -z -w 2 postgres-0.mydb-service.db 5432\n',
  );
  await expect(terminal).toContainText('Operation timed out', { timeout: 10_000 });
  await page
    .getByRole('region', { name: 'Flows' })
    .locator('.ft-row')
    .filter({ hasText: 'db/postgres-0' })
    .filter({ hasText: 'DROPPED' })
    .first()
    .click();
  const ruleLine = policy.split('\n').findIndex((l) => l.includes('- from:')) + 1;
  await expect(page.locator('[data-role="explain"]')).toContainText(
    /^dummy\/debug → db\/postgres-0 5432\/TCP: denied\./,
  );
  await expect(page.locator('[data-role="editor"]')).toHaveAttribute(
    'data-revealed',
    `policy.yaml:${ruleLine}`,
  );
  // New flows reach the lens without an edit: a port postgres does not declare is no possible
  // edge, so only the observed attempt adds to the count.
  await terminal.click();
  await page.keyboard.type(
    'kubectl exec debug -n dummy -- nc -z -w 1 postgres-0.mydb-service.db 5433\n',
  );
  const updated = editor.getByRole('button', { name: /^allows 2 flows · denies 3 flows/ });
  await expect(updated).toBeVisible({ timeout: 10_000 });
  await updated.click();
  const list = page.locator('[data-role="rule-flows"]');
  await expect(list).toContainText(
    /dummy\/debug → db\/postgres 5432\/TCP denied \(default deny\) · seen \d+×/,
  );
  await expect(list).toContainText('dummy/debug → db/postgres 5433/TCP denied (default deny)');
  expect(problems).toEqual([]);
});

test('an edit survives a reload straight after typing', async ({ page }) => {
  await page.goto('/playground/');
  await appReady(page.locator('#playground'));
  const editor = page.getByRole('region', { name: 'Policy editor' });
  await editor.getByRole('tab', { name: /policy\.yaml/ }).click();
  await editor.locator('.monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+End');
  // No pause between the last key and the reload.
  await page.keyboard.type('\n# kept-marker-7');
  await page.reload();
  await appReady(page.locator('#playground'));
  const again = page.getByRole('region', { name: 'Policy editor' });
  await again.getByRole('tab', { name: /policy\.yaml/ }).click();
  await expect(again.locator('.view-lines')).toContainText('kept-marker-7');
});
