import { expect, test } from '@playwright/test';
import { appReady, watchProblems } from './support.ts';
import { readFileSync } from 'node:fs';

const SOLUTION = readFileSync('src/lessons/02-lock-the-database/solution/policy.yaml', 'utf8');

test('the lesson index lists every lesson', async ({ page }) => {
  await page.goto('/lessons/');
  await expect(page.getByRole('heading', { name: 'Lessons', level: 1 })).toBeVisible();
  await expect(page.locator('ol.lessons > li')).toHaveCount(12);
});

test('lesson 2 is solved by typing the policy into the editor', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/lessons/lock-the-database/');
  const lesson = page.locator('#lesson');
  await appReady(lesson);
  const blocked = page.locator('[data-check-id="dummy-debug-blocked"]');
  await expect(blocked).toHaveAttribute('data-passed', 'false');
  // Before any policy, the debug pod could reach PostgreSQL: its possible edge is green.
  const debugToDb = page.locator(
    'svg [data-edge-id="workload:dummy/debug|workload:db/postgres|5432/TCP|possible"]',
  );
  await expect(debugToDb).toHaveClass(/edge--allowed/);

  const editor = page.getByRole('region', { name: 'Policy editor' });
  await expect(editor).toBeVisible();
  await editor.locator('.monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(SOLUTION);
  await expect(blocked).toHaveAttribute('data-passed', 'true', { timeout: 10_000 });
  await expect(page.locator('[data-check-id="flask-reaches-db"]')).toHaveAttribute(
    'data-passed',
    'true',
  );
  // The edit turned the edge red and marked it as flipped.
  await expect(debugToDb).toHaveClass(/edge--denied/);
  await expect(debugToDb).toHaveClass(/edge--flipped/);
  // The what-if list says the same in words.
  await expect(page.getByRole('region', { name: 'What the last edit changed' })).toContainText(
    'now denied: dummy/debug → db/postgres 5432/TCP',
  );

  // A command from the instructions runs in the terminal.
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await page
    .getByRole('button', {
      name: 'kubectl exec debug -n dummy -- nc -v -z -w 2 postgres-0.mydb-service.db 5432',
    })
    .first()
    .click();
  await expect(terminal).toContainText('Operation timed out', { timeout: 10_000 });
  await expect(page.getByRole('region', { name: 'Flow graph' })).toBeVisible();
  // What was tried shows as an observed edge, red because the connection was dropped.
  await expect(
    page.locator(
      'svg [data-edge-id="workload:dummy/debug|workload:db/postgres|5432/TCP|observed"]',
    ),
  ).toHaveClass(/edge--denied/);

  // Show rule: choosing an edge explains it and points at the deciding YAML.
  const edge = page.locator(
    'svg [data-edge-id="workload:db/flask-app|workload:db/postgres|5432/TCP|possible"][tabindex]',
  );
  await edge.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-role="explain"]')).toContainText(
    /allowed\..*CiliumNetworkPolicy db\/flask-app-to-db spec\.ingress\[0\]/,
  );

  // Nothing typed is lost: the files and the progress come back after a reload.
  await page.reload();
  await appReady(lesson);
  await expect(page.locator('[data-check-id="dummy-debug-blocked"]')).toHaveAttribute(
    'data-passed',
    'true',
  );
  expect(problems).toEqual([]);
});

for (const [folder, id] of [
  ['03-only-get-root', 'only-get-root'],
  ['06-emojivoto-l7-visibility', 'emojivoto-l7-visibility'],
  ['07-netperf-egress-by-dns-name', 'netperf-egress-by-dns-name'],
] as const) {
  test(`lesson ${id} turns every check green with its solution typed in`, async ({ page }) => {
    const problems = watchProblems(page);
    const solution = readFileSync(`src/lessons/${folder}/solution/policy.yaml`, 'utf8');
    await page.goto(`/lessons/${id}/`);
    await appReady(page.locator('#lesson'));
    const checks = page.locator('[data-check-id]');
    await expect(page.locator('[data-check-id][data-passed="false"]').first()).toBeAttached();
    const editor = page.getByRole('region', { name: 'Policy editor' });
    await editor.getByRole('tab', { name: /policy\.yaml/ }).click();
    await editor.locator('.monaco-editor').first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(solution);
    await expect(page.locator('[data-check-id][data-passed="false"]')).toHaveCount(0, {
      timeout: 15_000,
    });
    expect(await checks.count()).toBeGreaterThan(0);
    // The policy typed into the editor is what the cluster in the terminal has.
    const terminal = page.getByRole('region', { name: 'Terminal' });
    await terminal.click();
    await page.keyboard.type('kubectl get cnp -A\n');
    await expect(terminal).toContainText('VALID');
    await expect(terminal).not.toContainText('No resources found');
    expect(problems).toEqual([]);
  });
}

test('a later step and its checks stay in view beside the editor', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/lessons/lock-the-database/');
  await appReady(page.locator('#lesson'));
  const check = page.locator('[data-check-id="dummy-debug-blocked"]');
  await check.scrollIntoViewIfNeeded();
  const inView = (box: { y: number; height: number } | null) =>
    box !== null && box.y >= 0 && box.y + box.height <= 720;
  // The instructions scrolled on their own; the editor is where it was.
  expect(inView(await check.boundingBox()), 'the check is in view').toBe(true);
  const editor = page.getByRole('region', { name: 'Policy editor' });
  expect(inView(await editor.boundingBox()), 'the editor is in view').toBe(true);
});

test('show rule from a flow row, a check and a code lens over the rule', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/lessons/lock-the-database/');
  await appReady(page.locator('#lesson'));
  const explain = page.locator('[data-role="explain"]');

  // A failed check explains its probe: nothing selects postgres yet.
  await page.getByRole('button', { name: /Show the rule behind: The debug pod in dummy/ }).click();
  await expect(explain).toContainText(/dummy\/debug → db\/postgres-0 5432\/TCP\): allowed\./);

  const editor = page.getByRole('region', { name: 'Policy editor' });
  await editor.locator('.monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(SOLUTION);
  await expect(page.locator('[data-check-id="dummy-debug-blocked"]')).toHaveAttribute(
    'data-passed',
    'true',
    { timeout: 10_000 },
  );
  const ruleLine = SOLUTION.split('\n').findIndex((l) => l.includes('- fromEndpoints:')) + 1;

  // The connection from dummy is dropped; its row in the flow table explains that exact flow.
  await page
    .getByRole('button', {
      name: 'kubectl exec debug -n dummy -- nc -v -z -w 2 postgres-0.mydb-service.db 5432',
    })
    .first()
    .click();
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await expect(terminal).toContainText('Operation timed out', { timeout: 10_000 });
  const flows = page.getByRole('region', { name: 'Flows' });
  const dropped = flows
    .locator('.ft-row')
    .filter({ hasText: 'db/postgres-0' })
    .filter({ hasText: 'DROPPED' })
    .first();
  await dropped.click();
  await expect(explain).toContainText(
    /^dummy\/debug → db\/postgres-0 5432\/TCP: denied\. ingress of db\/postgres-0: default deny/,
  );
  const panel = page.locator('[data-role="editor"]');
  await expect(panel).toHaveAttribute('data-revealed', `policy.yaml:${ruleLine}`);
  await expect(editor.locator('.policy-editor__reveal').first()).toBeVisible();

  // The lens over the rule counts its flows; choosing it lists them, choosing one explains it.
  const lens = editor.getByRole('button', {
    name: 'allows 1 flow · denies 3 flows (default deny)',
  });
  await expect(lens).toBeVisible({ timeout: 10_000 });
  await lens.click();
  const list = page.locator('[data-role="rule-flows"]');
  await expect(list).toBeVisible();
  await expect(list).toContainText('CiliumNetworkPolicy db/flask-app-to-db spec.ingress[0]');
  await list
    .getByRole('button', { name: /^db\/flask-app → db\/postgres 5432\/TCP allowed$/ })
    .click();
  await expect(explain).toContainText(/^db\/flask-app-\S+ → db\/postgres-0 5432\/TCP: allowed\./);
  await expect(
    page.locator(
      'svg [data-edge-id="workload:db/flask-app|workload:db/postgres|5432/TCP|possible"][aria-pressed="true"]',
    ),
  ).toBeAttached();
  await list
    .getByRole('button', {
      name: /^dummy\/debug → db\/postgres 5432\/TCP denied \(default deny\) · seen/,
    })
    .click();
  await expect(explain).toContainText(/^dummy\/debug → db\/postgres-0 5432\/TCP: denied\./);
  await expect(flows.locator('.ft-row[aria-current="true"]')).toContainText('DROPPED');
  expect(problems).toEqual([]);
});

test('reset puts the starting files back, and a reload keeps them reset', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/lessons/lock-the-database/');
  const lesson = page.locator('#lesson');
  await appReady(lesson);
  const blocked = page.locator('[data-check-id="dummy-debug-blocked"]');
  const editor = page.getByRole('region', { name: 'Policy editor' });
  await editor.locator('.monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(SOLUTION);
  await expect(blocked).toHaveAttribute('data-passed', 'true', { timeout: 10_000 });

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Reset the files' }).click();
  await expect(blocked).toHaveAttribute('data-passed', 'false', { timeout: 10_000 });
  await page.reload();
  await appReady(lesson);
  await expect(blocked).toHaveAttribute('data-passed', 'false');
  await expect(editor.locator('.view-lines')).not.toContainText('fromEndpoints');
  expect(problems).toEqual([]);
});
