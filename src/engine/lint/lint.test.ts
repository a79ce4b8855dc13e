/**
 * The policy doctor, rule by rule: each case lints the shared fixture cluster plus one small YAML
 * file and says which code must appear (and where) or must not.
 *
 * | fixture                | version | expects                                          |
 * |------------------------|---------|--------------------------------------------------|
 * | *-bad.yaml             | 1.18    | the rule's code at the given line                |
 * | *-good.yaml            | 1.18    | not that code                                    |
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Engine } from '../engine.ts';
import type { CiliumVersion, SourceFile } from '../types.ts';
import { lint, LINT_CODES } from './index.ts';
import type { LintWarning } from './model.ts';

const DIR = 'src/engine/lint/fixtures';

function source(name: string): SourceFile {
  return { name, text: readFileSync(join(DIR, name), 'utf8') };
}

function lintFixture(file: string, version?: CiliumVersion, withCluster = true) {
  const files = [...(withCluster ? [source('cluster.yaml')] : []), source(file)];
  const engine = new Engine(version ? { ciliumVersion: version } : {});
  engine.load(files);
  return { engine, warnings: lint(engine, files) };
}

function expectFlagged(warnings: LintWarning[], code: string, file: string, line?: number) {
  const hits = warnings.filter((w) => w.code === code && w.file === file);
  expect(hits, `${code} in ${file}\n${JSON.stringify(warnings, null, 1)}`).not.toEqual([]);
  if (line !== undefined) expect(hits.map((w) => w.line)).toContain(line);
  return hits;
}

function expectClean(warnings: LintWarning[], code: string) {
  expect(warnings.filter((w) => w.code === code)).toEqual([]);
}

interface Case {
  code: string;
  file: string;
  /** Line of the expected warning; absent: the fixture must not trigger the code. */
  line?: number;
  version?: CiliumVersion;
  /** Words the message must contain. */
  says?: string[];
}

const CASES: Case[] = [
  { code: 'empty-list-no-default-deny', file: 'empty-list-bad.yaml', line: 6, says: ['[{}]'] },
  { code: 'empty-list-no-default-deny', file: 'empty-list-good.yaml' },
  {
    code: 'empty-list-no-default-deny',
    file: 'empty-list-only.yaml',
    line: 6,
    version: '1.16',
    says: ['1.18 and later reject it'],
  },
  { code: 'egress-without-dns', file: 'dns-egress-bad.yaml', line: 7, says: ['shop/client'] },
  {
    code: 'egress-without-dns',
    file: 'dns-egress-no-namespace.yaml',
    line: 6,
    says: ["policy's own namespace"],
  },
  { code: 'egress-without-dns', file: 'dns-egress-good.yaml' },
  { code: 'kube-dns-ingress-blocked', file: 'kube-dns-ingress-bad.yaml', line: 7 },
  { code: 'kube-dns-ingress-blocked', file: 'kube-dns-ingress-good.yaml' },
  { code: 'fqdn-not-learned', file: 'fqdn-bad.yaml', line: 12, says: ['bypass the DNS proxy'] },
  { code: 'fqdn-not-learned', file: 'fqdn-refused.yaml', line: 15, says: ['refuses'] },
  { code: 'fqdn-not-learned', file: 'fqdn-good.yaml' },
  { code: 'dns-rule-misses-kube-dns', file: 'dns-rule-peer-bad.yaml', line: 7 },
  { code: 'dns-rule-misses-kube-dns', file: 'dns-rule-peer-good.yaml' },
  { code: 'header-value-regex', file: 'http-fields-bad.yaml', line: 14 },
  { code: 'header-value-regex', file: 'http-fields-bad.yaml', line: 16 },
  { code: 'header-value-regex', file: 'http-fields-good.yaml' },
  { code: 'path-glob', file: 'http-fields-bad.yaml', line: 13, says: ['/api/.*'] },
  { code: 'path-glob', file: 'http-fields-good.yaml' },
  { code: 'method-case', file: 'http-fields-bad.yaml', line: 12, says: ['"GET"'] },
  { code: 'method-case', file: 'http-fields-good.yaml' },
  { code: 'selector-matches-nothing', file: 'selector-typo-bad.yaml', line: 5, says: ['web?'] },
  { code: 'selector-matches-nothing', file: 'selector-typo-bad.yaml', line: 10, says: ['client?'] },
  {
    code: 'selector-matches-nothing',
    file: 'selector-typo-bad.yaml',
    line: 12,
    says: ['security identity'],
  },
  {
    code: 'selector-matches-nothing',
    file: 'selector-peer-namespace-bad.yaml',
    line: 8,
    says: ['io.kubernetes.pod.namespace: monitoring'],
  },
  {
    code: 'selector-matches-nothing',
    file: 'selector-peer-namespace-bad.yaml',
    line: 19,
    says: ['the namespace this selector names has none of them'],
  },
  { code: 'selector-matches-nothing', file: 'selector-good.yaml' },
  { code: 'policy-wrong-namespace', file: 'wrong-namespace-bad.yaml', line: 7, says: ['in db'] },
  { code: 'policy-wrong-namespace', file: 'wrong-namespace-bad.yaml', line: 16 },
  { code: 'policy-wrong-namespace', file: 'wrong-namespace-good.yaml' },
  { code: 'label-key-typo', file: 'label-key-typo-bad.yaml', line: 9 },
  { code: 'label-key-typo', file: 'label-key-typo-bad.yaml', line: 12 },
  { code: 'label-key-typo', file: 'label-key-typo-bad.yaml', line: 14 },
  { code: 'label-key-typo', file: 'label-key-typo-bad.yaml', line: 17, says: ['reserved:host'] },
  { code: 'label-key-typo', file: 'label-key-typo-good.yaml' },
  { code: 'peer-and-or', file: 'peer-and-bad.yaml', line: 9, says: ['ANDed', 'ORed'] },
  { code: 'peer-and-or', file: 'peer-or-bad.yaml', line: 10, says: ['ORed', 'one item'] },
  { code: 'peer-and-or', file: 'peer-or-bad.yaml', line: 20, says: ['one selector'] },
  { code: 'peer-and-or', file: 'peer-and-or-good.yaml' },
  { code: 'cidr-covers-pods', file: 'cidr-bad.yaml', line: 7, says: ['toEndpoints'] },
  { code: 'cidr-covers-pods', file: 'cidr-bad.yaml', line: 19, says: ['podSelector'] },
  { code: 'cidr-covers-pods', file: 'cidr-good.yaml' },
  { code: 'l7-never-reached', file: 'l7-unreached-bad.yaml', line: 10, says: ['shop/client'] },
  { code: 'l7-never-reached', file: 'l7-unreached-good.yaml' },
  { code: 'l7-overridden', file: 'l7-overridden-bad.yaml', line: 10, says: ['web-l4'] },
  { code: 'l7-overridden', file: 'l7-overridden-good.yaml' },
  { code: 'deny-shadows-allow', file: 'deny-shadow-bad.yaml', line: 7 },
  { code: 'deny-shadows-allow', file: 'deny-shadow-good.yaml' },
  { code: 'duplicate-policy-spec', file: 'duplicate-bad.yaml', line: 10, says: ['lock-web'] },
  { code: 'duplicate-policy-spec', file: 'duplicate-good.yaml' },
  { code: 'regex-too-complex', file: 'regex-size-bad.yaml', line: 13, says: ['111'] },
  { code: 'regex-too-complex', file: 'regex-size-good.yaml' },
  { code: 'kafka-deprecated', file: 'kafka.yaml', line: 11, version: '1.19', says: ['1.20'] },
  { code: 'kafka-deprecated', file: 'kafka.yaml', version: '1.18' },
];

describe.each(
  CASES.map((c) => [
    `${c.code} ${c.file}${c.line !== undefined ? `:${c.line}` : ''}${c.version ? ` (${c.version})` : ''}`,
    c,
  ]),
)('%s', (_name, c) => {
  test(c.line !== undefined ? 'is flagged' : 'is not flagged', () => {
    const { engine, warnings } = lintFixture(c.file, c.version);
    // Fixtures are valid policies: the linter only sees what the engine applied.
    expect(engine.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (c.line === undefined) return expectClean(warnings, c.code);
    const hits = expectFlagged(warnings, c.code, join(c.file), c.line);
    for (const word of c.says ?? []) expect(hits.map((h) => h.message).join('\n')).toContain(word);
  });
});

test('every code in the table has a case that triggers it and one that does not', () => {
  for (const code of LINT_CODES) {
    expect(
      CASES.some((c) => c.code === code && c.line !== undefined),
      code,
    ).toBe(true);
    expect(
      CASES.some((c) => c.code === code && c.line === undefined),
      code,
    ).toBe(true);
  }
});

/** Applies a quick fix to a text (1-based lines and columns, end exclusive). */
function applyFix(text: string, fix: NonNullable<LintWarning['fix']>): string {
  const lines = text.split('\n');
  const offset = (line: number, col: number) =>
    lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
  const from = offset(fix.range.startLine, fix.range.startColumn);
  const to = offset(fix.range.endLine, fix.range.endColumn);
  return text.slice(0, from) + fix.text + text.slice(to);
}

describe('quick fixes', () => {
  // | fixture                          | line | the fix                                  |
  // |----------------------------------|------|------------------------------------------|
  // | empty-list-bad.yaml              | 6    | `[]` → `[{}]`                            |
  // | label-key-typo-bad.yaml          | 9    | `k8s.` → `k8s:`                          |
  // | label-key-typo-bad.yaml          | 12   | quoted key keeps its quotes              |
  // | selector-typo-bad.yaml           | 10   | value `clinet` → `client`                |
  // | selector-peer-namespace-bad.yaml | 8    | adds io.kubernetes.pod.namespace (block) |
  // | wrong-namespace-bad.yaml         | 7    | rewrites metadata.namespace              |
  // | wrong-namespace-bad.yaml         | 16   | adds metadata.namespace                  |
  // | dns-rule-peer-bad.yaml           | 7    | adds the kube-system namespace           |
  // | flow-peer-namespace-bad.yaml     | 7    | adds the namespace to a flow mapping     |
  test.each([
    ['empty-list-bad.yaml', 'empty-list-no-default-deny', 6, 'ingress: [{}]'],
    [
      'label-key-typo-bad.yaml',
      'label-key-typo',
      9,
      'k8s:io.kubernetes.pod.namespace: kube-system',
    ],
    [
      'label-key-typo-bad.yaml',
      'label-key-typo',
      12,
      '"k8s:io.kubernetes.pod.namespace": monitoring',
    ],
    ['selector-typo-bad.yaml', 'selector-matches-nothing', 10, 'app: client'],
    [
      'selector-peer-namespace-bad.yaml',
      'selector-matches-nothing',
      8,
      '            io.kubernetes.pod.namespace: monitoring\n            app.kubernetes.io/name',
    ],
    ['wrong-namespace-bad.yaml', 'policy-wrong-namespace', 7, 'namespace: db'],
    [
      'wrong-namespace-bad.yaml',
      'policy-wrong-namespace',
      16,
      '  name: lock-db-knp\n  namespace: db',
    ],
    [
      'dns-rule-peer-bad.yaml',
      'dns-rule-misses-kube-dns',
      7,
      'io.kubernetes.pod.namespace: kube-system\n            k8s-app: kube-dns',
    ],
    [
      'flow-peer-namespace-bad.yaml',
      'selector-matches-nothing',
      7,
      '{matchLabels: {io.kubernetes.pod.namespace: db, app: postgres}}',
    ],
  ])('%s: %s at line %i', (file, code, line, expected) => {
    const { warnings } = lintFixture(file);
    const w = warnings.find((x) => x.code === code && x.line === line);
    expect(w?.fix, JSON.stringify(warnings, null, 1)).toBeDefined();
    const fixed = applyFix(source(file).text, w!.fix!);
    expect(fixed).toContain(expected);
    const files = [source('cluster.yaml'), { name: file, text: fixed }];
    const engine = new Engine();
    engine.load(files);
    expect(engine.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(lint(engine, files).filter((x) => x.code === code && x.line === line)).toEqual([]);
  });
});

describe('the linter as a whole', () => {
  test('output is sorted by file, line, column and code, and stable', () => {
    const files = [
      source('cluster.yaml'),
      source('selector-typo-bad.yaml'),
      source('http-fields-bad.yaml'),
      source('label-key-typo-bad.yaml'),
    ];
    const engine = new Engine();
    engine.load(files);
    const a = lint(engine, files);
    const sorted = [...a].sort(
      (x, y) =>
        x.file.localeCompare(y.file) ||
        x.line - y.line ||
        x.column - y.column ||
        x.code.localeCompare(y.code),
    );
    expect(a).toEqual(sorted);
    expect(lint(engine, [...files].reverse())).toEqual(a);
  });

  test('policies alone: cluster-aware rules stay quiet, textual ones still speak', () => {
    const { warnings } = lintFixture('label-key-typo-bad.yaml', undefined, false);
    expect(warnings.map((w) => w.code)).toEqual(Array(4).fill('label-key-typo'));
    expect(lintFixture('selector-typo-bad.yaml', undefined, false).warnings).toEqual([]);
    expect(lintFixture('dns-egress-bad.yaml', undefined, false).warnings).toEqual([]);
  });

  test('a cluster edit on the same engine is seen: lint agrees with a fresh engine', () => {
    const files = [source('cluster.yaml'), source('dns-egress-bad.yaml')];
    const engine = new Engine();
    engine.load(files);
    const before = lint(engine, files).find((w) => w.code === 'egress-without-dns');
    expect(before?.message).not.toContain('shop/client-2');
    const edited = {
      name: 'cluster.yaml',
      text: `${files[0]!.text}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client-2, namespace: shop, labels: {app: client}}\nspec: {containers: [{name: c, image: curl}]}\n`,
    };
    engine.updateFile(edited);
    const after = [edited, files[1]!];
    const fresh = new Engine();
    fresh.load(after);
    const warnings = lint(engine, after);
    expect(warnings.find((w) => w.code === 'egress-without-dns')?.message).toContain(
      'shop/client-2',
    );
    expect(warnings).toEqual(lint(fresh, after));
  });

  test('what validation reports is not repeated', () => {
    // `ingress: []` alone is invalid from 1.18 and `pathRegex` is an unknown field: both are
    // engine errors, and the linter only sees policies in force.
    for (const file of ['empty-list-only.yaml', 'unknown-l7-field.yaml']) {
      const { engine, warnings } = lintFixture(file);
      expect(engine.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      expect(warnings).toEqual([]);
    }
  });
});
