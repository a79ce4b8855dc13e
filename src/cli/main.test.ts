/**
 * The command line, end to end through `run` (no process spawned).
 *
 * | command   | checks                                                                 |
 * |-----------|------------------------------------------------------------------------|
 * | verdicts  | the published JSON contract, exactly; the readable table                |
 * | check     | `N passed, N failed`, exit 1 on a mismatch with its explanation         |
 * | matrix    | text, JSON and Markdown agree with verdicts                             |
 * | validate  | diagnostics with file:line:column; exit 1 on errors, 0 otherwise        |
 * | errors    | missing files and unreadable probes end in a message and exit 2          |
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from './run.ts';
import { InputError } from './inputs.ts';

const EX = 'examples/flask-postgres';
const CLUSTER = `${EX}/cluster.yaml`;
const POLICY = `${EX}/lock-db.yaml`;
const PROBES = `${EX}/probes.yaml`;

describe('verdicts', () => {
  test('--json prints exactly {"results": [{"id", "verdict", "reason"}]}', () => {
    const out = run(['verdicts', CLUSTER, POLICY, '--probes', PROBES, '--json']);
    expect(out.exitCode).toBe(0);
    const doc = JSON.parse(out.stdout) as { results: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['results']);
    for (const r of doc.results) {
      expect(Object.keys(r)).toEqual(['id', 'verdict', 'reason']);
      expect(['allowed', 'denied']).toContain(r.verdict);
      expect(typeof r.reason).toBe('string');
    }
    expect(doc.results.map((r) => [r.id, r.verdict])).toEqual([
      ['flask-to-db', 'allowed'],
      ['debug-to-db', 'denied'],
      ['dummy-to-db', 'denied'],
      ['dummy-to-flask', 'allowed'],
      ['outside-to-flask', 'allowed'],
    ]);
    expect(doc.results[1]!.reason).toContain(
      'default deny (selected by CiliumNetworkPolicy db/lock-db)',
    );
  });

  test('without --json prints a table', () => {
    const out = run(['verdicts', EX, '--probes', PROBES]);
    expect(out.stdout.split('\n')[0]).toMatch(/^ID\s+VERDICT\s+REASON$/);
    expect(out.stdout).toMatch(/debug-to-db\s+DENIED/);
  });

  test('a policy directory without the policy allows everything', () => {
    const out = run(['verdicts', CLUSTER, '--probes', PROBES, '--json']);
    const doc = JSON.parse(out.stdout) as { results: { verdict: string }[] };
    expect(doc.results.every((r) => r.verdict === 'allowed')).toBe(true);
  });
});

describe('check', () => {
  test('all expectations met: exit 0 and the closing count', () => {
    const out = run(['check', EX]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('5 passed, 0 failed');
  });

  test('a wrong expectation fails with the explanation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npp-'));
    const probes = join(dir, 'probes.yaml');
    writeFileSync(
      probes,
      'probes:\n  - id: wrong\n    from: dummy/debug\n    to: db/postgres-0\n    port: 5432\n    expect: allowed\n',
    );
    const out = run(['check', CLUSTER, POLICY, probes]);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('FAIL wrong: expected allowed, got denied');
    expect(out.stdout).toContain('why: ingress of db/postgres-0: default deny');
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});

describe('matrix', () => {
  test('JSON agrees with verdicts for the database', () => {
    const out = run(['matrix', CLUSTER, POLICY, '--json']);
    const doc = JSON.parse(out.stdout) as {
      results: { from: string; to: string; port: number; verdict: string }[];
    };
    const toDb = doc.results.filter((r) => r.to === 'db/postgres-0' && r.port === 5432);
    const allowedFrom = toDb.filter((r) => r.verdict === 'allowed').map((r) => r.from);
    expect(allowedFrom.length).toBe(4); // three flask pods and postgres itself
    expect(allowedFrom.every((f) => f.startsWith('db/flask-app-') || f === 'db/postgres-0')).toBe(
      true,
    );
  });

  test('text and Markdown render', () => {
    expect(run(['matrix', CLUSTER, POLICY]).stdout).toContain('. allowed   X denied');
    const md = run(['matrix', CLUSTER, POLICY, '--markdown']).stdout;
    expect(md.split('\n')[1]).toMatch(/^\|---\|/);
    expect(md).toContain('❌');
  });
});

describe('validate', () => {
  test('reports an unknown field at its line and exits 1; the other documents apply', () => {
    const out = run(['validate', 'src/cli/fixtures/broken.yaml', '--json']);
    expect(out.exitCode).toBe(1);
    const doc = JSON.parse(out.stdout) as { diagnostics: Record<string, unknown>[] };
    const unknown = doc.diagnostics.find((d) => d.code === 'unknown-field');
    expect(unknown).toMatchObject({
      severity: 'error',
      file: 'src/cli/fixtures/broken.yaml',
      line: 11,
      column: 7,
      kind: 'CiliumNetworkPolicy',
      namespace: 'db',
      name: 'typo',
      path: 'spec.ingress[0].fromEndpoint',
    });
    expect(doc.diagnostics.find((d) => d.code === 'ignored-kind')).toMatchObject({
      severity: 'info',
      kind: 'ConfigMap',
    });
    const text = run(['validate', 'src/cli/fixtures/broken.yaml']);
    expect(text.stdout).toContain(
      'src/cli/fixtures/broken.yaml:11:7: error: CiliumNetworkPolicy db/typo: strict decoding error: unknown field "spec.ingress[0].fromEndpoint"',
    );
    expect(text.stdout).toContain('1 policies applied');
  });

  test('clean input exits 0', () => {
    expect(run(['validate', EX]).exitCode).toBe(0);
  });

  test('a YAML syntax error is placed at its line', () => {
    const out = run(['validate', 'src/cli/fixtures/bad-syntax.yaml', '--json']);
    expect(out.exitCode).toBe(1);
    const doc = JSON.parse(out.stdout) as { diagnostics: { code: string; line: number }[] };
    expect(doc.diagnostics[0]).toMatchObject({ code: 'yaml-syntax' });
    expect(doc.diagnostics[0]!.line).toBeGreaterThanOrEqual(5);
  });
});

describe('bad input', () => {
  test.each([
    [['verdicts', 'no/such/file.yaml', '--probes', PROBES], /no such file/],
    [['verdicts', CLUSTER], /needs --probes/],
    [['frobnicate'], /unknown command/],
    [['matrix', CLUSTER, '--cilium-version', '2.0'], /--cilium-version must be one of/],
    [
      ['matrix', 'src/cli/fixtures/bad-syntax.yaml'],
      /nothing could be read[^]*bad-syntax\.yaml:\d+:\d+/,
    ],
    [['verdicts', 'src/cli/fixtures/bad-syntax.yaml', '--probes', PROBES], /nothing could be read/],
  ])('%j fails with a message and exit code 2', (args, message) => {
    let err: unknown;
    try {
      run(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(message);
    expect((err as InputError).exitCode).toBe(2);
  });
});
