/**
 * `generate` end to end through `run`: flows printed by `flows -o json` come back as policies
 * that, loaded with the cluster, allow what the probes did and deny what they did not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError } from './inputs.ts';
import { run } from './run.ts';

const CLUSTER = 'examples/flask-postgres/cluster.yaml';
const dir = mkdtempSync(join(tmpdir(), 'netpol-generate-'));
const probes = join(dir, 'probes.yaml');
writeFileSync(
  probes,
  'probes:\n- {id: web-db, from: db/flask-app, to: db/postgres-0, port: 5432, expect: allowed}\n',
);

function exported(): string {
  const out = run(['flows', CLUSTER, '--probes', probes, '-o', 'json']);
  expect(out.exitCode).toBe(0);
  const file = join(dir, 'flows.json');
  writeFileSync(file, out.stdout);
  return file;
}

describe('generate', () => {
  test('policies from an export allow what was seen and nothing else', () => {
    const flows = exported();
    const out = run(['generate', '--flows', flows, CLUSTER]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('kind: CiliumNetworkPolicy');
    const policy = join(dir, 'generated.yaml');
    writeFileSync(policy, out.stdout);
    const check = join(dir, 'check.yaml');
    writeFileSync(
      check,
      [
        'probes:',
        '- {id: seen, from: db/flask-app, to: db/postgres-0, port: 5432, expect: allowed}',
        '- {id: not-seen, from: db/debug, to: db/postgres-0, port: 5432, expect: denied}',
        '',
      ].join('\n'),
    );
    const verdict = run(['check', CLUSTER, policy, check]);
    expect(verdict.stdout).toContain('2 passed');
    expect(verdict.exitCode).toBe(0);
  });

  test('no allowed connection: exit 1 and a note', () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    const out = run(['generate', '--flows', empty]);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('no allowed connection');
  });

  test.each([
    [['generate', CLUSTER], /needs --flows/],
    [['generate', '--flows', join(dir, 'missing.json')], /cannot read/],
    [['generate', '--flows', probes, '--bogus'], /unknown option --bogus/],
  ])('%j is refused', (args, message) => {
    expect(() => run(args)).toThrow(InputError);
    expect(() => run(args)).toThrow(message);
  });
});
