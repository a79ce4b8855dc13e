import { expect, test, type Locator, type Page } from '@playwright/test';
import { watchProblems } from './support.ts';

/** The terminal's rows as text, as xterm.js draws them. */
async function screenRows(terminal: Locator): Promise<string[]> {
  const rows = await terminal.locator('.xterm-rows > div').allTextContents();
  return rows.map((row) => row.replace(/\u00a0/g, ' ').trimEnd());
}

async function openTerminal(page: Page): Promise<{ terminal: Locator; output: Locator }> {
  await page.goto('/terminal');
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await expect(terminal).toHaveAttribute('data-state', 'ready');
  await expect.poll(() => screenRows(terminal)).toContain('$');
  await terminal.click();
  return { terminal, output: terminal.locator('.terminal-output-announcer') };
}

async function enter(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

test('the terminal runs shell lines and announces their output', async ({ page }) => {
  const problems = watchProblems(page);
  const { terminal, output } = await openTerminal(page);
  await expect(page).toHaveTitle(/Terminal/);
  await expect(page.locator('h1')).toHaveText('Terminal');
  await expect(output).toHaveAttribute('aria-live', 'polite');
  // The rows fit inside the frame: nothing hangs below it to scroll to.
  expect(
    await terminal.evaluate((el) => el.scrollHeight - el.clientHeight),
    'rows overflowing the frame (px)',
  ).toBe(0);

  await enter(page, 'echo hello | wc -c');
  await expect(output).toHaveText('6');
  await expect
    .poll(() => screenRows(terminal))
    .toEqual(expect.arrayContaining(['$ echo hello | wc -c', '6']));

  await enter(page, 'help');
  await expect(output).toContainText('Commands you can run here');
  await expect(output).toContainText('history');

  await enter(page, 'history');
  await expect(output).toContainText('1  echo hello | wc -c');
  await expect(output).toContainText('3  history');
  // The live region holds plain text: no escape sequences.
  expect(await output.textContent()).not.toContain('\x1b');

  expect(problems).toEqual([]);
});

test('Tab completes, Up recalls and history survives a reload', async ({ page }) => {
  const problems = watchProblems(page);
  const { terminal, output } = await openTerminal(page);

  await page.keyboard.type('echo done | hea');
  await page.keyboard.press('Tab');
  await page.keyboard.type('-n 1');
  await page.keyboard.press('Enter');
  await expect(output).toHaveText('done');
  await expect.poll(() => screenRows(terminal)).toContain('$ echo done | head -n 1');

  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Home');
  for (let i = 0; i < 'echo '.length; i++) await page.keyboard.press('ArrowRight');
  await enter(page, 'not ');
  await expect(output).toHaveText('not done');

  await page.reload();
  const reopened = page.getByRole('region', { name: 'Terminal' });
  await expect(reopened).toHaveAttribute('data-state', 'ready');
  await reopened.click();
  await enter(page, 'history');
  await expect(reopened.locator('.terminal-output-announcer')).toContainText(
    '2  echo not done | head -n 1',
  );

  expect(problems).toEqual([]);
});

test('Ctrl-C cuts a simulated wait short', async ({ page }) => {
  const problems = watchProblems(page);
  const { terminal } = await openTerminal(page);
  await enter(page, 'sleep 100');
  await expect(terminal).toHaveAttribute('data-state', 'busy');
  await page.keyboard.press('Control+c');
  await expect(terminal).toHaveAttribute('data-state', 'ready');
  await expect
    .poll(() => screenRows(terminal))
    .toEqual(expect.arrayContaining(['$ sleep 100', '^C', '$']));
  expect(problems).toEqual([]);
});

test('the home page links to the terminal', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: /terminal/i }).click();
  await expect(page.getByRole('region', { name: 'Terminal' })).toHaveAttribute(
    'data-state',
    'ready',
  );
});

test('kubectl, nc and hubble answer from the simulated cluster', async ({ page }) => {
  const problems = watchProblems(page);
  const { output } = await openTerminal(page);
  await enter(page, 'kubectl get pods -n db');
  await expect(output).toContainText('postgres-0');
  await enter(page, 'kubectl apply -f lock-db.yaml');
  await expect(output).toContainText('ciliumnetworkpolicy.cilium.io/lock-db created');
  await enter(page, 'kubectl exec debug -n dummy -- nc -v -z -w 2 postgres-0.mydb-service.db 5432');
  await expect(output).toContainText('Operation timed out');
  await enter(page, 'hubble observe --verdict DROPPED --last 2');
  await expect(output).toContainText('Policy denied DROPPED');
  expect(problems).toEqual([]);
});
