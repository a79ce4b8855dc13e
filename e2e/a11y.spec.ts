/**
 * Accessibility checks with axe on the main pages, in the light and in the dark theme. A page
 * fails on any violation of impact "serious" or "critical"; the report lists each rule with the
 * elements that break it and what to fix.
 *
 * Each theme is chosen the way a visitor would (the saved toggle choice on the site, the `theme`
 * parameter on the embed) while the system asks for the other one, so the checks also prove
 * that the choice wins everywhere. The pages are checked once their editor, terminal and graph
 * are drawn, with coloured output in the terminal and the solution diff open, so that what axe
 * sees includes the colours those parts use.
 *
 * Nothing is excluded. axe cannot judge the terminal's text colours, though: xterm.js lays its
 * screen-reader rows (transparent text) over the drawn ones, so axe lists them as "incomplete"
 * rather than passed or failed. src/components/terminal/themes.test.ts checks every terminal
 * colour against its background instead.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Result } from 'axe-core';
import { expect, test, type Page } from '@playwright/test';
import { appReady } from './support.ts';

type Theme = 'light' | 'dark';

const THEME_STORAGE_KEY = 'netpol-playground:theme';

interface Target {
  name: string;
  url(theme: Theme): string;
  /** The page root that turns `data-state="ready"` once everything has started. */
  root?: string;
  /** What to do on the page before it is checked. */
  prepare?(page: Page): Promise<void>;
}

/** Runs a command in the page's terminal and waits until its output is announced. */
async function runInTerminal(page: Page, command: string, expected: string | RegExp) {
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await terminal.click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await expect(terminal.locator('.terminal-output-announcer')).toContainText(expected, {
    timeout: 15_000,
  });
}

/** Waits until the editor shows text and the graph has drawn the cluster. */
async function waitForPanes(page: Page) {
  const editor = page.getByRole('region', { name: 'Policy editor' });
  if ((await editor.count()) > 0) {
    await expect(editor).toHaveAttribute('data-state', 'ready');
    await expect(editor.locator('.view-lines')).not.toHaveText('');
  }
  const graph = page.getByRole('region', { name: 'Flow graph' });
  if ((await graph.count()) > 0) await expect(graph).toHaveAttribute('data-state', 'ready');
}

const targets: Target[] = [
  { name: 'the home page', url: () => '/' },
  {
    name: 'a lesson page',
    url: () => '/lessons/lock-the-database/',
    root: '#lesson',
    async prepare(page) {
      // `cilium status` prints every ANSI colour the simulated commands use.
      await runInTerminal(page, 'cilium status', 'Cilium:');
      await page.getByRole('button', { name: 'Show the solution' }).click();
      await expect(page.locator('.diff .add').first()).toBeVisible();
    },
  },
  {
    name: 'the playground',
    url: () => '/playground/',
    root: '#playground',
    async prepare(page) {
      await runInTerminal(page, 'cilium status', 'Cilium:');
    },
  },
  {
    name: 'the embed',
    url: (theme) => `/embed/?scenario=lock-the-database&theme=${theme}`,
    root: '#embed',
    async prepare(page) {
      await runInTerminal(page, 'cilium status', 'Cilium:');
    },
  },
];

/** Violations as readable text: rule, impact, help link, then each element and the fix. */
function describe(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const fix = (n.failureSummary ?? '').split('\n').join('\n      ');
          return `  - ${n.target.join(' ')}\n      ${fix}`;
        })
        .join('\n');
      return `${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n\n');
}

for (const theme of ['light', 'dark'] as const) {
  const system: Theme = theme === 'dark' ? 'light' : 'dark';
  test.describe(`${theme} theme`, () => {
    for (const target of targets) {
      test(`axe finds no serious problem on ${target.name}`, async ({ page }) => {
        test.setTimeout(90_000);
        await page.emulateMedia({ colorScheme: system });
        await page.addInitScript(
          ([key, value]) => {
            try {
              localStorage.setItem(key, value);
            } catch {
              // A page without storage (about:blank) is not checked.
            }
          },
          [THEME_STORAGE_KEY, theme] as const,
        );
        await page.goto(target.url(theme));
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        if (target.root) {
          await appReady(page.locator(target.root));
          await waitForPanes(page);
        }
        await target.prepare?.(page);
        // Every part drawn by script follows the chosen theme, not the system's.
        for (const part of await page.locator('[role="region"][data-theme]').all())
          await expect(part).toHaveAttribute('data-theme', theme);

        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations.filter(
          (v) => v.impact === 'serious' || v.impact === 'critical',
        );
        expect(serious.length, `axe violations:\n\n${describe(serious)}`).toBe(0);
      });
    }
  });
}
