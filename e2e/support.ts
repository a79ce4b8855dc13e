import { expect, type Locator, type Page } from '@playwright/test';

/** Collects console errors and uncaught exceptions of the page, for a test to assert none. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

/**
 * Waits for a page's root (`#lesson`, `#playground`, `#embed`) to say `data-state="ready"`: the
 * worker has loaded the cluster and the panes are mounted. A cold build's first load can be slow.
 */
export async function appReady(root: Locator): Promise<void> {
  await expect(root).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
}
