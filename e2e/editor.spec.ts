import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { watchProblems } from './support.ts';

async function openEditor(page: Page): Promise<Locator> {
  await page.goto('/editor-demo');
  const region = page.getByRole('region', { name: 'Policy editor' });
  await expect(region).toHaveAttribute('data-state', 'ready');
  await expect(region.locator('.monaco-editor .view-lines')).toBeVisible();
  return region;
}

/** The vertical middle of the line-number cell showing `line`. */
async function lineMiddle(region: Locator, line: number): Promise<number> {
  const cell = region.locator('.margin-view-overlays .line-numbers', { hasText: String(line) });
  const box = await cell.filter({ hasText: new RegExp(`^${line}$`) }).boundingBox();
  if (!box) throw new Error(`line ${line} is not on screen`);
  return box.y + box.height / 2;
}

test('the editor loads with its name, file tabs and keyboard hint', async ({ page }) => {
  const problems = watchProblems(page);
  const region = await openEditor(page);

  const tabs = region.getByRole('tab');
  await expect(tabs).toHaveCount(2);
  const policyTab = region.getByRole('tab', { name: 'lock-db.yaml' });
  const clusterTab = region.getByRole('tab', { name: /cluster\.yaml/ });
  await expect(policyTab).toHaveAttribute('aria-selected', 'true');
  await expect(clusterTab).toHaveAttribute('aria-selected', 'false');
  await expect(clusterTab).toContainText('read-only');
  await expect(region).toContainText('Ctrl+M');
  await expect(region.locator('.view-lines')).toContainText('kind: CiliumNetworkPolicy');

  // Tabs work from the keyboard: arrows move between them, and the text follows.
  await policyTab.focus();
  await page.keyboard.press('ArrowRight');
  await expect(clusterTab).toHaveAttribute('aria-selected', 'true');
  await expect(clusterTab).toBeFocused();
  await expect(region.locator('.view-lines')).toContainText('kind: Namespace');
  await page.keyboard.press('ArrowLeft');
  await expect(policyTab).toHaveAttribute('aria-selected', 'true');

  expect(problems).toEqual([]);
});

test('Ctrl+M lets the Tab key leave the editor', async ({ page }) => {
  const region = await openEditor(page);
  await region.locator('.view-lines').click();
  await page.keyboard.press('Tab');
  await expect(page.locator('#change-echo')).toHaveAttribute('data-file', 'lock-db.yaml');
  await page.keyboard.press('ControlOrMeta+Z');

  await page.keyboard.press(process.platform === 'darwin' ? 'Control+Shift+M' : 'Control+M');
  await page.keyboard.press('Tab');
  await expect(
    page.getByRole('button', { name: 'Show the pods the policy selects' }),
  ).toBeFocused();
});

test('typing reports every change and survives tab switches', async ({ page }) => {
  const problems = watchProblems(page);
  const region = await openEditor(page);
  const echo = page.locator('#change-echo');

  await region.locator('.view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('# edited');
  await expect(echo).toHaveAttribute('data-file', 'lock-db.yaml');
  await expect
    .poll(async () => (await echo.getAttribute('data-text')) ?? '')
    .toMatch(/^# edited# Only the Flask pods/);

  // Text arriving in one piece keeps its own indentation.
  const policy = 'spec:\n  endpointSelector:\n    matchLabels:\n      app: db\n';
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(policy);
  await expect(echo).toHaveAttribute('data-text', policy);

  // The read-only manifest takes no edits.
  await region.getByRole('tab', { name: /cluster\.yaml/ }).click();
  await region.locator('.view-lines').click();
  await page.keyboard.type('zzz');
  await expect(region.locator('.view-lines')).not.toContainText('zzz');

  // Back on the policy, the edit is still there.
  await region.getByRole('tab', { name: 'lock-db.yaml' }).click();
  await expect(region.locator('.view-lines')).toContainText('app: db');
  await expect(region.locator('.view-lines')).not.toContainText('# Only the Flask pods');
  expect(problems).toEqual([]);
});

test('diagnostics appear as markers at their lines', async ({ page }) => {
  const problems = watchProblems(page);
  const region = await openEditor(page);

  // Positions are compared once layout has settled (fonts and the editor resize after load).
  const offsetFromLine = async (squiggle: Locator, line: number) => {
    const b = await squiggle.boundingBox();
    // Until the editor has drawn the line there is nothing to compare with.
    const middle = await lineMiddle(region, line).catch(() => null);
    return b && middle !== null ? Math.abs(b.y + b.height / 2 - middle) : Infinity;
  };
  const error = region.locator('.squiggly-error');
  await expect(error).toHaveCount(1);
  await expect.poll(() => offsetFromLine(error, 17)).toBeLessThan(10);
  const box = await error.boundingBox();
  if (!box) throw new Error('no error squiggle on screen');

  const warning = region.locator('.squiggly-warning');
  await expect(warning).toHaveCount(1);
  await expect.poll(() => offsetFromLine(warning, 10)).toBeLessThan(10);

  // Hovering the squiggle shows the engine's message.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.locator('.monaco-hover:not(.hidden)')).toContainText('Sample error');
  expect(problems).toEqual([]);
});

test('completion offers endpointSelector inside a CiliumNetworkPolicy spec', async ({ page }) => {
  const problems = watchProblems(page);
  const region = await openEditor(page);

  // A second document after the policy, with the cursor on the blank line under `spec:`.
  await region.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(
    '---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nspec:\n  ',
  );
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Space');

  const suggestions = region.locator('.suggest-widget');
  await expect(suggestions).toBeVisible();
  await expect(suggestions.getByRole('listitem', { name: /^endpointSelector/ })).toBeVisible();
  expect(problems).toEqual([]);
});

test('hovering a field explains it', async ({ page }) => {
  const problems = watchProblems(page);
  const region = await openEditor(page);

  const word = region.locator('.view-line span', { hasText: /^endpointSelector$/ });
  await word.hover();
  await expect(page.locator('.monaco-hover:not(.hidden)')).toContainText("policy's namespace");
  expect(problems).toEqual([]);
});

test('reveal switches to the file and highlights the range', async ({ page }) => {
  const problems = watchProblems(page);
  const region = await openEditor(page);

  await page.getByRole('button', { name: 'Show the pods the policy selects' }).click();
  await expect(region.getByRole('tab', { name: /cluster\.yaml/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(region).toHaveAttribute('data-revealed', 'cluster.yaml:47');
  const highlight = region.locator('.policy-editor__reveal').first();
  await expect(highlight).toBeVisible();
  const box = await highlight.boundingBox();
  if (!box) throw new Error('no highlight on screen');
  expect(Math.abs(box.y + box.height / 2 - (await lineMiddle(region, 47)))).toBeLessThan(10);
  expect(problems).toEqual([]);
});

/** Relative static imports of a built ES module (dynamic `import()` calls are left out). */
function staticImports(code: string): string[] {
  const found: string[] = [];
  const pattern = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+|\/[^"']+)["']/g;
  for (const match of code.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

test('the page loads little JavaScript before Monaco', async ({ page }) => {
  const dist = join(process.cwd(), 'dist');
  const html = readFileSync(join(dist, 'editor-demo', 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
  expect(entries.length).toBeGreaterThan(0);

  // The entry scripts and everything they import statically.
  const seen = new Map<string, string>();
  const queue = entries.map((src) => join(dist, src));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    const code = readFileSync(file, 'utf8');
    seen.set(file, code);
    for (const spec of staticImports(code))
      queue.push(spec.startsWith('/') ? join(dist, spec) : join(file, '..', spec));
  }
  let raw = 0;
  let gzip = 0;
  for (const code of seen.values()) {
    raw += Buffer.byteLength(code);
    gzip += gzipSync(code, { level: 9 }).length;
    expect(code).not.toContain('MonacoEnvironment');
  }
  console.log(
    `editor-demo initial JS: ${seen.size} file(s), ${raw} bytes, ${gzip} bytes gzip (level 9)`,
  );
  expect(gzip).toBeLessThan(20_000);

  // Monaco arrives later, as a chunk of its own.
  const monacoChunks: string[] = [];
  page.on('response', (response) => {
    const url = response.url();
    if (url.endsWith('.js') && !entries.some((src) => url.endsWith(src))) monacoChunks.push(url);
  });
  await openEditor(page);
  expect(monacoChunks.some((url) => /\/monaco\.[^/]+\.js$/.test(url))).toBe(true);
  const monaco = monacoChunks.find((url) => /\/monaco\.[^/]+\.js$/.test(url)) ?? '';
  const monacoCode = readFileSync(join(dist, new URL(monaco).pathname), 'utf8');
  console.log(
    `Monaco chunk (loaded on mount): ${Buffer.byteLength(monacoCode)} bytes, ${gzipSync(monacoCode, { level: 9 }).length} bytes gzip`,
  );
});
