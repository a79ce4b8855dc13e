import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { appReady, watchProblems } from './support.ts';

/** One `hubble observe -o json` line from a cluster the playground does not have. */
const EXPORT = readFileSync('src/engine/flows/fixtures/other-cluster.jsonl', 'utf8');

test('policies written from the terminal traffic, and flows imported from a real cluster', async ({
  page,
}) => {
  const problems = watchProblems(page);
  await page.goto('/playground/');
  await appReady(page.locator('#playground'));
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await terminal.click();
  await page.keyboard.type(
    'kubectl exec debug -n dummy -- nc -v -z -w 2 postgres-0.mydb-service.db 5432\n',
  );
  await expect(terminal).toContainText('open', { timeout: 10_000 });

  const tools = page.locator('[data-role="flow-tools"]');
  await tools.locator('summary').click();
  await tools
    .getByRole('button', { name: 'Write least-privilege policies from the flows' })
    .click();
  const status = tools.locator('[data-role="flow-tools-status"]');
  await expect(status).toContainText(
    /\d+ polic(y|ies) from \d+ connections? in generated-policies\.yaml/,
  );
  const editor = page.getByRole('region', { name: 'Policy editor' });
  await expect(editor.getByRole('tab', { name: /generated-policies\.yaml/ })).toBeVisible();
  await expect(editor.locator('.view-lines')).toContainText('kind: CiliumNetworkPolicy');
  // Applied at once: the connection that was seen still opens, and one that was not (the debug
  // pod of namespace db to the database; open in this cluster without policies) now fails: that
  // pod sent nothing, so its generated policy denies it everything, the name lookup included.
  await terminal.click();
  await page.keyboard.type(
    'kubectl exec debug -n dummy -- nc -v -z -w 2 postgres-0.mydb-service.db 5432\n',
  );
  await expect(terminal).toContainText(/open[\s\S]*open/, { timeout: 10_000 });
  await expect(terminal).not.toContainText(/bad address|Operation timed out/);
  await page.keyboard.type(
    'kubectl exec debug -n db -- nc -v -z -w 2 postgres-0.mydb-service.db 5432\n',
  );
  await expect(terminal).toContainText(/bad address|Operation timed out/, { timeout: 10_000 });

  await tools.locator('[data-role="import-flows"]').setInputFiles({
    name: 'flows.json',
    mimeType: 'application/json',
    buffer: Buffer.from(EXPORT),
  });
  await expect(status).toContainText('Imported 1 flow from flows.json');
  await expect(
    page.locator(
      'svg [data-edge-id="workload:prod/checkout|workload:prod/payments|8080/TCP|observed"]',
    ),
  ).toHaveCount(1);
  await expect(page.getByRole('region', { name: 'Flows' })).toContainText('prod/payments-0');
  expect(problems).toEqual([]);
});
