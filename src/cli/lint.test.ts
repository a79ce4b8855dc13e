/**
 * `lint` end to end through `run` (no process spawned).
 *
 * | input                                   | checks                                          |
 * |-----------------------------------------|-------------------------------------------------|
 * | an example folder                       | clean: no output, exit 0                         |
 * | a fixture with HTTP mistakes            | `file:line:column: severity code: message`, 1    |
 * | the same with --json                    | exactly {"warnings": [{file, line, column, ...}]} |
 * | only notes (severity info)              | printed, exit 0                                  |
 * | an invalid policy (1.18) / 1.16         | error on stderr, exit 1 / the lint warning       |
 * | missing or unreadable files             | InputError, exit 2                               |
 */
import { describe, expect, test } from 'vitest';
import { run } from './run.ts';
import { expectInputError } from './testing/errors.ts';

const FX = 'src/engine/lint/fixtures';
const CLUSTER = `${FX}/cluster.yaml`;

describe('lint', () => {
  test('a clean example prints nothing and exits 0', () => {
    const out = run(['lint', 'examples/flask-postgres']);
    expect(out).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  test('text output: one file:line:column: severity code: message line per finding', () => {
    const out = run(['lint', CLUSTER, `${FX}/http-fields-bad.yaml`]);
    expect(out.exitCode).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l).toMatch(/^[^:]+:\d+:\d+: (warning|error|info) [a-z0-9-]+: \S/);
    expect(lines[0]).toMatch(
      /^src\/engine\/lint\/fixtures\/http-fields-bad\.yaml:12:25: warning method-case: /,
    );
  });

  test('--json prints exactly {"warnings": [{"file", "line", "column", "code", "severity", "message"}]}', () => {
    const out = run(['lint', CLUSTER, `${FX}/http-fields-bad.yaml`, '--json']);
    expect(out.exitCode).toBe(1);
    const doc = JSON.parse(out.stdout) as { warnings: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['warnings']);
    expect(doc.warnings.length).toBe(4);
    for (const w of doc.warnings)
      expect(Object.keys(w)).toEqual(['file', 'line', 'column', 'code', 'severity', 'message']);
    expect(doc.warnings[1]).toMatchObject({
      file: `${FX}/http-fields-bad.yaml`,
      line: 13,
      column: 23,
      code: 'path-glob',
      severity: 'warning',
    });
    expect(run(['lint', 'examples/l7-shop', '--json']).stdout).toBe('{\n  "warnings": []\n}\n');
  });

  test('notes alone (severity info) are printed but do not fail', () => {
    const out = run(['lint', CLUSTER, `${FX}/cidr-world.yaml`]);
    expect(out.stdout).toMatch(/: info cidr-covers-pods: 0\.0\.0\.0\/0 covers/);
    expect(out.exitCode).toBe(0);
  });

  test('an invalid policy is reported on stderr; --cilium-version changes what is invalid', () => {
    const file = `${FX}/empty-list-only.yaml`;
    const strict = run(['lint', CLUSTER, file]);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toContain('rule must have at least one of Ingress');
    expect(strict.exitCode).toBe(1);
    const old = run(['lint', CLUSTER, file, '--cilium-version', '1.16']);
    expect(old.stderr).toBe('');
    expect(old.stdout).toContain('warning empty-list-no-default-deny');
    expect(old.stdout).toContain('Cilium 1.18 and later reject it');
    expect(old.exitCode).toBe(1);
  });

  test.each([
    [['lint', 'no/such/file.yaml'], /no such file/],
    [
      ['lint', 'src/cli/fixtures/bad-syntax.yaml'],
      /nothing could be read[^]*bad-syntax\.yaml:\d+:\d+/,
    ],
    [['lint', CLUSTER, '--cilium-version', '2.0'], /--cilium-version must be one of/],
  ])('%j fails with a message and exit code 2', (args, message) => {
    expectInputError(args, message);
  });
});
