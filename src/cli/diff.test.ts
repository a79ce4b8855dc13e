/**
 * `diff` on the command line: the `--` split, the three formats and the exit codes.
 *
 * | case                         | exit | checks                                               |
 * |------------------------------|------|------------------------------------------------------|
 * | same files on both sides     | 0    | `No change` and the counts                           |
 * | a policy added               | 1    | one line per flow, grouped, with the summary         |
 * | an L7 rule added             | 1    | the probe's request shows                            |
 * | missing or unparseable files | 2    | InputError with exit code 2                          |
 * | argument mistakes            | 2    | one `--`, files on both sides, one format            |
 */
import { describe, expect, test } from 'vitest';
import { parseDiffArgs, MARKDOWN_ROW_LIMIT, formatDiffMarkdown } from './diff.ts';
import { run } from './run.ts';
import { expectInputError } from './testing/errors.ts';
import type { FlowChange } from '../engine/diff/diff.ts';

const F = 'src/engine/diff/fixtures';
const SHOP = `${F}/shop.yaml`;
const LOCK = `${F}/lock-db.yaml`;
const PROBES = `${F}/probes.yaml`;

describe('parseDiffArgs', () => {
  test.each<[string[], Partial<ReturnType<typeof parseDiffArgs>>]>([
    [['a', '--', 'b'], { before: ['a'], after: ['b'], format: 'text', by: 'workload' }],
    [['a', 'b', '--', 'c', 'd'], { before: ['a', 'b'], after: ['c', 'd'] }],
    [['--json', 'a', '--', 'b'], { format: 'json' }],
    [['a', '--', 'b', '--markdown'], { format: 'markdown' }],
    [['a', '--probes', 'p.yaml', '--', 'b', '--probes=q.yaml'], { probes: ['p.yaml', 'q.yaml'] }],
    [['a', '--', 'b', '--by', 'pod'], { by: 'pod' }],
    [['a', '--', 'b', '--by=workload'], { by: 'workload' }],
    [['a', '--', 'b', '--cilium-version', 'v1.20.1'], { version: '1.20' }],
    [['-', '--', 'b'], { before: ['-'] }],
  ])('%j', (args, expected) => {
    expect(parseDiffArgs(args)).toMatchObject(expected);
  });

  test.each<[string[], RegExp]>([
    [['a', 'b'], /exactly one --/],
    [['a', '--', 'b', '--', 'c'], /exactly one --/],
    [['--', 'b'], /before is empty/],
    [['a', '--'], /after is empty/],
    [['a', '--', 'b', '--json', '--markdown'], /one of --json and --markdown/],
    [['a', '--', 'b', '--csv'], /unknown option --csv for diff/],
    [['a', '--probes', '--', 'b'], /--probes needs a value/],
    [['a', '--', 'b', '--by', 'namespace'], /--by must be workload or pod/],
    [['a', '--', 'b', '--cilium-version', '2.0'], /--cilium-version must be one of/],
  ])('%j is refused', (args, message) => {
    expect(() => parseDiffArgs(args)).toThrow(message);
  });
});

describe('diff through run', () => {
  test.each<[string, string[], number, string[]]>([
    [
      'same files: exit 0',
      ['diff', SHOP, '--', SHOP],
      0,
      ['No change: 0 newly allowed, 0 newly denied (19 flows, 0 probes compared)'],
    ],
    [
      'a policy added: exit 1, one line per flow',
      ['diff', SHOP, '--', SHOP, LOCK, '--probes', PROBES],
      1,
      [
        'Newly denied (2):',
        '- denied   default/debug → db/postgres 5432/TCP  (probe debug-to-db)',
        '- denied   kube-system/coredns → db/postgres 5432/TCP',
        '',
        '0 newly allowed, 2 newly denied (19 flows, 5 probes compared)',
      ],
    ],
    [
      'the policy removed: newly allowed',
      ['diff', SHOP, LOCK, '--', SHOP],
      1,
      [
        'Newly allowed (2):',
        '+ allowed  default/debug → db/postgres 5432/TCP',
        '+ allowed  kube-system/coredns → db/postgres 5432/TCP',
        '',
        '2 newly allowed, 0 newly denied (19 flows, 0 probes compared)',
      ],
    ],
    [
      'an L7 rule: the request shows',
      ['diff', SHOP, '--', SHOP, `${F}/frontend-get.yaml`, '--probes', PROBES],
      1,
      [
        'Newly denied (1):',
        '- denied   default/debug → default/frontend 8080/TCP POST /  (probe post-root)',
        '',
        '0 newly allowed, 1 newly denied (19 flows, 5 probes compared)',
      ],
    ],
    [
      'options before the word diff',
      ['--cilium-version', '1.18', 'diff', SHOP, '--', SHOP],
      0,
      ['No change: 0 newly allowed, 0 newly denied (19 flows, 0 probes compared)'],
    ],
  ])('%s', (_, args, exitCode, lines) => {
    const out = run(args);
    expect(out.exitCode).toBe(exitCode);
    expect(out.stdout).toBe(`${lines.join('\n')}\n`);
    expect(out.stderr).toBe('');
  });

  test('--json: the documented shape', () => {
    const out = run(['diff', SHOP, '--', SHOP, LOCK, '--probes', PROBES, '--json']);
    expect(out.exitCode).toBe(1);
    const doc = JSON.parse(out.stdout) as {
      summary: Record<string, number>;
      changes: Record<string, unknown>[];
    };
    expect(Object.keys(doc)).toEqual(['summary', 'changes']);
    expect(doc.summary).toEqual({ newlyAllowed: 0, newlyDenied: 2, flows: 19, probes: 5 });
    for (const c of doc.changes)
      expect(Object.keys(c)).toEqual([
        'change',
        'from',
        'to',
        'port',
        'protocol',
        'l7',
        'probes',
        'pairs',
        'before',
        'after',
        'policies',
        'reason',
      ]);
    expect(doc.changes[0]).toMatchObject({
      change: 'denied',
      from: 'default/debug',
      to: 'db/postgres',
      port: 5432,
      protocol: 'TCP',
      l7: null,
      probes: ['debug-to-db'],
      pairs: 1,
      before: 'allowed',
      after: 'denied',
      policies: ['CiliumNetworkPolicy db/lock-db'],
    });
  });

  test('--markdown: heading, counts and a table', () => {
    const out = run(['diff', SHOP, '--', SHOP, LOCK, '--markdown']);
    expect(out.exitCode).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '### Network policy diff',
      '',
      '**0 newly allowed, 2 newly denied** (19 flows, 0 probes compared)',
      '',
      '| Change | From | To | Port | L7 | Probes | Policies |',
      '|---|---|---|---|---|---|---|',
    ]);
    expect(lines.slice(6)).toEqual([
      '| 🔴 newly denied | default/debug | db/postgres | 5432/TCP |  |  | CiliumNetworkPolicy db/lock-db |',
      '| 🔴 newly denied | kube-system/coredns | db/postgres | 5432/TCP |  |  | CiliumNetworkPolicy db/lock-db |',
    ]);
    const same = run(['diff', SHOP, '--', SHOP, '--markdown']);
    expect(same.exitCode).toBe(0);
    expect(same.stdout.trimEnd().split('\n').at(-1)).toBe('No flow changed.');
  });

  test('--markdown lists at most the row limit and counts the rest', () => {
    const row: FlowChange = {
      change: 'allowed',
      from: 'a/b',
      to: 'c/d',
      port: 80,
      protocol: 'TCP',
      l7: null,
      probes: [],
      pairs: 1,
      before: 'denied',
      after: 'allowed',
      policies: [],
      reason: '',
    };
    const n = MARKDOWN_ROW_LIMIT + 5;
    const md = formatDiffMarkdown({
      changes: Array.from({ length: n }, (_, i) => ({ ...row, port: i + 1 })),
      summary: { newlyAllowed: n, newlyDenied: 0, flows: n, probes: 0 },
    });
    expect(md.split('\n').filter((l) => l.startsWith('| 🟢')).length).toBe(MARKDOWN_ROW_LIMIT);
    expect(md).toContain('… and 5 more (see `diff --json`).');
  });

  test.each<[string[], RegExp]>([
    [['diff', 'no/such.yaml', '--', SHOP], /no such file/],
    [['diff', SHOP, '--', 'src/cli/fixtures/bad-syntax.yaml'], /nothing could be read/],
    [['diff', SHOP, '--', SHOP, '--probes', 'no/such.yaml'], /no such file/],
    [['diff', SHOP, SHOP], /exactly one --/],
    [['matrix', SHOP, '--', SHOP], /-- separates the before and after files of diff only/],
    [['check', SHOP, '--', PROBES], /-- separates/],
  ])('%j: exit 2', (args, message) => {
    expectInputError(args, message);
  });

  test('--help prints the usage and exits 0', () => {
    const out = run(['diff', '--help']);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/^usage: netpol-playground diff <before files...> -- <after/);
  });
});
