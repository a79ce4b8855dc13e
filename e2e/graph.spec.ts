import { expect, test, type Locator, type Page } from '@playwright/test';
import { watchProblems } from './support.ts';

async function openDemo(page: Page): Promise<Locator> {
  await page.goto('/graph-demo');
  const graph = page.getByRole('region', { name: 'Flow graph' });
  await expect(graph).toHaveAttribute('data-state', 'ready');
  await expect(graph).toHaveAttribute('data-version', '3');
  return graph;
}

function node(graph: Locator, id: string): Locator {
  return graph.locator(`[data-node-id="${id}"]`);
}

function edge(graph: Locator, id: string): Locator {
  return graph.locator(`.fg-edges [data-edge-id="${id}"]`);
}

const DENIED = 'workload:dummy/debug|workload:db/postgres|5432/TCP|observed';
const L7_DENIED = 'workload:db/debug|workload:db/flask-app|5000/TCP|observed';
const FLIPPED = 'workload:dummy/debug|workload:db/flask-app|5000/TCP|possible';

test('the flow graph draws namespaces, nodes and coloured edges', async ({ page }) => {
  const problems = watchProblems(page);
  const graph = await openDemo(page);
  await expect(page).toHaveTitle(/Flow graph demo/);

  for (const ns of ['db', 'dummy', 'kube-system'])
    await expect(graph.locator(`[data-namespace="${ns}"]`)).toContainText(ns);
  await expect(node(graph, 'workload:db/flask-app').locator('.node-label')).toHaveText('flask-app');
  await expect(node(graph, 'workload:db/flask-app')).toContainText('3 pods');
  await expect(node(graph, 'workload:db/postgres').locator('.node-label')).toHaveText('postgres');
  await expect(node(graph, 'workload:kube-system/coredns').locator('.node-label')).toHaveText(
    'coredns',
  );
  await expect(node(graph, 'world').locator('.node-label')).toHaveText('world');

  const denied = edge(graph, DENIED);
  await expect(denied).toHaveClass(/edge--denied/);
  const red = await denied
    .locator('.edge-line')
    .evaluate((el) => getComputedStyle(el).stroke.match(/\d+/g)?.map(Number) ?? []);
  expect(red[0]).toBeGreaterThan(150);
  expect(red[1]).toBeLessThan(120);
  await expect(denied).toHaveAttribute(
    'aria-label',
    /dummy\/debug to db\/postgres, 5432\/TCP, denied/,
  );

  await expect(edge(graph, L7_DENIED)).toHaveClass(/edge--l7-denied/);
  await expect(edge(graph, L7_DENIED).locator('.edge-l7')).toHaveText('POST /login 403');
  await expect(edge(graph, FLIPPED)).toHaveClass(/edge--possible/);
  await expect(edge(graph, FLIPPED)).toHaveClass(/edge--flipped/);
  await expect(edge(graph, FLIPPED).locator('.edge-flip')).toBeVisible();
  const dashes = await edge(graph, FLIPPED)
    .locator('.edge-line')
    .evaluate((el) => getComputedStyle(el).strokeDasharray);
  expect(dashes).not.toBe('none');
  expect(problems).toEqual([]);
});

test('switching samples keeps unrelated nodes where they were', async ({ page }) => {
  const problems = watchProblems(page);
  const graph = await openDemo(page);
  const ids = ['workload:kube-system/coredns', 'world', 'workload:dummy/debug'];
  const before = await Promise.all(ids.map((id) => node(graph, id).getAttribute('transform')));
  expect(before.every((t) => t?.startsWith('translate('))).toBe(true);

  await page.getByRole('button', { name: 'Open cluster' }).click();
  await expect(graph).toHaveAttribute('data-version', '1');
  // The edges changed: dummy/debug reached PostgreSQL before lock-db.
  await expect(edge(graph, DENIED)).toHaveClass(/edge--allowed/);
  await expect(edge(graph, L7_DENIED)).toHaveCount(0);
  const after = await Promise.all(ids.map((id) => node(graph, id).getAttribute('transform')));
  expect(after).toEqual(before);

  await page.getByRole('button', { name: 'lock-db applied' }).click();
  await expect(graph).toHaveAttribute('data-version', '2');
  await expect(edge(graph, DENIED)).toHaveClass(/edge--denied/);
  expect(await Promise.all(ids.map((id) => node(graph, id).getAttribute('transform')))).toEqual(
    before,
  );

  // A new node lays the graph out again.
  await page.getByRole('button', { name: 'External API' }).click();
  await expect(graph).toHaveAttribute('data-version', '4');
  await expect(node(graph, 'fqdn:api.github.com').locator('.node-label')).toHaveText(
    'api.github.com',
  );
  expect(problems).toEqual([]);
});

test('view modes, keyboard selection, pan and zoom', async ({ page }) => {
  const problems = watchProblems(page);
  const graph = await openDemo(page);

  await graph.getByRole('radio', { name: 'Observed' }).check();
  await expect(graph).toHaveAttribute('data-mode', 'observed');
  await expect(graph.locator('.fg-edges .edge--possible')).toHaveCount(0);
  await expect(graph.locator('.fg-edges .edge--observed').first()).toBeVisible();
  await graph.getByRole('radio', { name: 'Possible' }).check();
  await expect(graph.locator('.fg-edges .edge--observed')).toHaveCount(0);
  await expect(graph.locator('.fg-edges .edge--possible')).not.toHaveCount(0);
  await graph.getByRole('radio', { name: 'Both' }).check();
  await expect(graph.locator('.fg-edges .edge--observed')).not.toHaveCount(0);

  const denied = edge(graph, DENIED);
  await denied.focus();
  await page.keyboard.press('Enter');
  await expect(denied).toHaveClass(/is-selected/);
  await expect(denied).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#graph-selection')).toHaveText(
    'edge dummy/debug → db/postgres 5432/TCP (denied, observed)',
  );

  const viewport = graph.locator('.fg-viewport');
  const postgres = node(graph, 'workload:db/postgres');
  const nodeBefore = await postgres.getAttribute('transform');
  const start = await viewport.getAttribute('transform');
  const box = (await graph.locator('svg.fg-svg').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await expect(viewport).not.toHaveAttribute('transform', start ?? '');
  const zoomed = await viewport.getAttribute('transform');
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 80, box.y + 60, { steps: 5 });
  await page.mouse.up();
  await expect(viewport).not.toHaveAttribute('transform', zoomed ?? '');
  // Panning and zooming move the view, not the nodes.
  expect(await postgres.getAttribute('transform')).toBe(nodeBefore);
  expect(problems).toEqual([]);
});

test('the edge table is the graph in rows', async ({ page }) => {
  const problems = watchProblems(page);
  const graph = await openDemo(page);
  const toggle = graph.getByRole('button', { name: 'Show as table' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const table = graph.getByRole('table', { name: 'Edges of the flow graph' });
  await expect(table).toBeVisible();
  await expect(graph.locator('svg.fg-svg')).toBeHidden();

  const rows = table.locator('tbody tr');
  expect(await rows.count()).toBe(await graph.locator('.fg-edges [data-edge-id]').count());
  const l7Row = table.locator(`tr[data-edge-id="${L7_DENIED}"]`);
  await expect(l7Row.locator('td')).toHaveText([
    'db/debug',
    'db/flask-app',
    '5000/TCP',
    'denied at L7',
    'observed ×5',
    'POST /login 403',
    'CiliumNetworkPolicy db/flask-get-only',
    'Select',
  ]);
  await expect(table.locator(`tr[data-edge-id="${FLIPPED}"] td`).nth(3)).toHaveText(
    'denied (changed)',
  );
  await l7Row.getByRole('button').click();
  await expect(page.locator('#graph-selection')).toHaveText(
    'edge db/debug → db/flask-app 5000/TCP (l7-denied, observed)',
  );

  await graph.getByRole('radio', { name: 'Observed' }).check();
  await expect(table.locator('tbody tr', { hasText: 'possible' })).toHaveCount(0);

  await toggle.click();
  await expect(table).toBeHidden();
  await expect(graph.locator('svg.fg-svg')).toBeVisible();
  expect(problems).toEqual([]);
});

test('the flow table filters, selects and stays small with ten thousand rows', async ({ page }) => {
  const problems = watchProblems(page);
  await openDemo(page);
  const flows = page.getByRole('region', { name: 'Flows' });
  const table = flows.getByRole('table', { name: 'Flows, newest first' });
  const rows = table.locator('tbody tr.ft-row');
  await expect(flows.locator('.ft-count')).toHaveText('200 flows');
  await expect(rows.first()).toBeVisible();

  // Newest first.
  const times = await rows.locator('.ft-time').allTextContents();
  expect([...times].sort().reverse()).toEqual(times);

  await flows.getByLabel('Namespace or pod').fill('dummy');
  await expect(flows.locator('.ft-count')).toContainText('of 200 flows match');
  const ends = await rows.evaluateAll((trs) =>
    trs.map((tr) => `${tr.children[1]?.textContent} ${tr.children[2]?.textContent}`),
  );
  expect(ends.length).toBeGreaterThan(0);
  for (const e of ends) expect(e).toContain('dummy/');

  await flows.getByLabel('Verdict').selectOption('DROPPED');
  await expect(rows.first()).toBeVisible();
  for (const v of await rows.locator('.ft-verdict').allTextContents()) expect(v).toBe('DROPPED');

  await flows.getByLabel('Text').fill('no such flow');
  await expect(rows).toHaveCount(0);
  await expect(table).toContainText('No flows match the filters.');

  await flows.getByLabel('Namespace or pod').fill('');
  await flows.getByLabel('Verdict').selectOption('');
  await flows.getByLabel('Text').fill('POST http');
  await expect(rows.first()).toBeVisible();
  for (const s of await rows.locator('.ft-summary').allTextContents()) expect(s).toContain('POST');

  await rows.first().click();
  await expect(rows.first()).toHaveClass(/is-selected/);
  await expect(page.locator('#graph-selection')).toContainText(
    '(POST http://flask-app-service.db/login) (FORWARDED)',
  );
  await flows.getByLabel('Text').fill('');

  await page.getByRole('button', { name: '10,000 flows' }).click();
  await expect(flows.locator('.ft-count')).toHaveText('10000 flows');
  await expect(table).toHaveAttribute('aria-rowcount', '10001');
  expect(await rows.count()).toBeLessThan(60);
  await flows.locator('.ft-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(table.locator('tr[aria-rowindex="10001"]')).toBeVisible();
  expect(await rows.count()).toBeLessThan(60);

  // Arrow keys walk the rows, scrolling the window along.
  await flows.locator('.ft-scroll').evaluate((el) => (el.scrollTop = 0));
  await expect(table.locator('tr[aria-rowindex="2"]')).toBeVisible();
  await table.locator('tr[aria-rowindex="2"]').focus();
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowDown');
  await expect(table.locator('tr[aria-rowindex="32"]')).toBeFocused();
  await page.keyboard.press('End');
  await expect(table.locator('tr[aria-rowindex="10001"]')).toBeFocused();
  expect(await rows.count()).toBeLessThan(60);
  expect(problems).toEqual([]);
});
