import { expect, test, type Locator } from '@playwright/test';
import { appReady, watchProblems } from './support.ts';

// `ingress: []` on line 10 reads as "deny all ingress" but denies nothing in Cilium; the egress
// section keeps the policy one that Cilium 1.18 accepts.
const POLICY = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: lock-db
  namespace: db
spec:
  endpointSelector:
    matchLabels:
      app: postgres
  ingress: []
  egress: [{}]
`;

/** The vertical middle of the line-number cell showing `line`. */
async function lineMiddle(editor: Locator, line: number): Promise<number> {
  const cell = editor
    .locator('.margin-view-overlays .line-numbers')
    .filter({ hasText: new RegExp(`^${line}$`) });
  const box = await cell.boundingBox();
  if (!box) throw new Error(`line ${line} is not on screen`);
  return box.y + box.height / 2;
}

test('the policy doctor marks ingress: [] and its quick fix rewrites it', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/playground/');
  await appReady(page.locator('#playground'));
  const editor = page.getByRole('region', { name: 'Policy editor' });
  await editor.getByRole('tab', { name: /policy\.yaml/ }).click();
  await editor.locator('.monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(POLICY);

  // A warning squiggle on line 10, under the `[]`.
  const warning = editor.locator('.squiggly-warning');
  await expect(warning).toHaveCount(1, { timeout: 10_000 });
  await expect
    .poll(async () => {
      const box = await warning.boundingBox();
      const middle = await lineMiddle(editor, 10).catch(() => null);
      return box && middle !== null ? Math.abs(box.y + box.height / 2 - middle) : Infinity;
    })
    .toBeLessThan(10);
  const box = await warning.boundingBox();
  if (!box) throw new Error('no warning squiggle on screen');

  // Its hover has the doctor's message and rule code.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const hover = page.locator('.monaco-hover:not(.hidden)');
  await expect(hover).toContainText('is the same as leaving ingress out');
  await expect(hover).toContainText('empty-list-no-default-deny');

  // Ctrl+. on the marker offers the fix; Enter applies it.
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.keyboard.press('Escape');
  await page.keyboard.press('ControlOrMeta+.');
  const fix = page
    .locator('.action-widget')
    .filter({ hasText: 'Replace ingress: [] with ingress: [{}]' });
  await expect(fix).toBeVisible();
  await page.keyboard.press('Enter');
  const lines = editor.locator('.view-lines');
  await expect(lines).toContainText('ingress: [{}]');
  await expect(warning).toHaveCount(0, { timeout: 10_000 });

  // The fix is one step of the undo history, and the finding comes back with the old text.
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(lines).not.toContainText('ingress: [{}]');
  await expect(lines).toContainText('ingress: []');
  await expect(warning).toHaveCount(1, { timeout: 10_000 });
  expect(problems).toEqual([]);
});

test('a lesson marks what the doctor finds in its starting files', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/lessons/netperf-egress-by-dns-name/');
  await appReady(page.locator('#lesson'));
  // The article's policy puts egress into default deny with no rule for DNS (line 12).
  const editor = page.getByRole('region', { name: 'Policy editor' });
  await editor.scrollIntoViewIfNeeded();
  const warnings = editor.locator('.squiggly-warning');
  /** The squiggle drawn on `line`, once layout has settled. */
  const on = async (line: number) => {
    const middle = await lineMiddle(editor, line).catch(() => null);
    for (const w of await warnings.all()) {
      const b = await w.boundingBox();
      if (b && middle !== null && Math.abs(b.y + b.height / 2 - middle) < 10) return b;
    }
    return null;
  };
  await expect.poll(async () => (await on(12)) !== null, { timeout: 10_000 }).toBe(true);
  const box = await on(12);
  if (!box) throw new Error('no warning squiggle on line 12');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const hover = page.locator('.monaco-hover:not(.hidden)');
  await expect(hover).toContainText('cannot reach kube-dns on 53/UDP');
  await expect(hover).toContainText('egress-without-dns');
  expect(problems).toEqual([]);
});
