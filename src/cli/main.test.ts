/**
 * The command line, end to end through `run` (no process spawned).
 *
 * | command   | checks                                                                 |
 * |-----------|------------------------------------------------------------------------|
 * | verdicts  | the published JSON contract, byte for byte (golden files); the table     |
 * | check     | `N passed, N failed`, exit 1 on a mismatch with its explanation         |
 * | reports   | --junit (well-formed, escaped), --markdown for check/verdicts; CSV      |
 * | matrix    | text, JSON, Markdown and CSV agree with verdicts                        |
 * | validate  | diagnostics with file:line:column; exit 1 on errors, 0 otherwise        |
 * | flows     | compact by default, -o json/dict, redaction and policy-name flags, time  |
 * | errors    | missing files and unreadable probes end in a message and exit 2          |
 * | process   | the entry point writes --junit files and exits 0, 1 or 2                 |
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from './run.ts';
import { expectInputError } from './testing/errors.ts';
import { checkXml } from './testing/xml.ts';

const EX = 'examples/flask-postgres';
const CLUSTER = `${EX}/cluster.yaml`;
const POLICY = `${EX}/lock-db.yaml`;
const PROBES = `${EX}/probes.yaml`;

describe('verdicts', () => {
  test('a directory holding its own probes file reads only the manifests from it', () => {
    const out = run([
      'verdicts',
      'examples/l7-shop',
      '--probes',
      'examples/l7-shop/probes.yaml',
      '--json',
    ]);
    expect(out.stderr).toBe('');
    const doc = JSON.parse(out.stdout) as { results: { id: string; verdict: string }[] };
    expect(doc.results.find((r) => r.id === 'post-root')?.verdict).toBe('denied');
  });

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

describe('verdicts --json is a published contract', () => {
  // Golden files in fixtures/verdicts-json/: the output of each example, byte for byte.
  const cases = readdirSync('examples', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`examples/${d.name}/probes.yaml`))
    .map(
      (d) =>
        [
          d.name,
          [
            'verdicts',
            `examples/${d.name}`,
            '--probes',
            `examples/${d.name}/probes.yaml`,
            '--json',
          ],
        ] as const,
    );
  test.each([
    ...cases,
    [
      'flask-postgres-files-1.16',
      ['verdicts', CLUSTER, POLICY, '--probes', PROBES, '--json', '--cilium-version', '1.16'],
    ] as const,
  ])('%s', (name, args) => {
    const golden = readFileSync(`src/cli/fixtures/verdicts-json/${name}.json`, 'utf8');
    expect(run([...args]).stdout).toBe(golden);
    // Asking for a JUnit report too leaves standard output alone.
    const withJunit = run([...args, '--junit', 'report.xml']);
    expect(withJunit.stdout).toBe(golden);
    expect(withJunit.files?.map((f) => f.path)).toEqual(['report.xml']);
  });
});

describe('reports for CI', () => {
  const JUNIT_PROBES = 'src/cli/fixtures/junit-probes.yaml';
  const NASTY = `wrong <&"'> | expectation`;

  test('check --junit: one case per probe; failure, error and skip; escaped and well-formed', () => {
    const out = run(['check', CLUSTER, POLICY, JUNIT_PROBES, '--junit', 'out/junit.xml']);
    expect(out.exitCode).toBe(1);
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 2 failed');
    const [file] = out.files ?? [];
    expect(file?.path).toBe('out/junit.xml');
    const xml = file!.text;
    const { values } = checkXml(xml);
    expect(values).toContain(NASTY);
    expect(xml.split('\n')[1]).toBe(
      '<testsuites name="netpol-playground check" tests="4" failures="1" errors="1" skipped="1">',
    );
    expect(xml).toContain(
      '<testcase name="wrong &lt;&amp;&quot;&apos;&gt; | expectation" classname="src/cli/fixtures/junit-probes.yaml" file="src/cli/fixtures/junit-probes.yaml" line="10">',
    );
    expect(xml).toContain(
      '<failure message="expected allowed, got denied (decided by CiliumNetworkPolicy db/lock-db)" type="verdict">ingress of db/postgres-0: default deny',
    );
    expect(xml).toContain(
      '<error message="pod &quot;nobody&quot; not found in namespace &quot;db&quot;" type="probe-error">',
    );
    expect(xml).toContain('<skipped message="no expect (verdict: denied)"/>');
    // Without --junit nothing is written and the text is the same.
    const plain = run(['check', CLUSTER, POLICY, JUNIT_PROBES]);
    expect(plain.files).toBeUndefined();
    expect(plain.stdout).toBe(out.stdout);
  });

  test('verdicts --junit: probes without expect are skipped cases; exit stays 0', () => {
    const out = run(['verdicts', CLUSTER, POLICY, '--probes', JUNIT_PROBES, '--junit=v.xml']);
    expect(out.exitCode).toBe(0);
    const xml = out.files![0]!.text;
    checkXml(xml);
    expect(xml).toContain(
      '<testsuites name="netpol-playground verdicts" tests="4" failures="1" errors="1" skipped="1">',
    );
  });

  test('check --markdown: a table with the outcome of each probe, then the counts', () => {
    const out = run(['check', CLUSTER, POLICY, JUNIT_PROBES, '--markdown']);
    expect(out.exitCode).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('| Result | Probe | Expected | Verdict | Decided by | Why |');
    expect(lines[1]).toBe('|---|---|---|---|---|---|');
    expect(lines[2]).toBe(
      '| ✅ pass | flask-to-db | allowed | allowed | CiliumNetworkPolicy db/lock-db |  |',
    );
    expect(lines[3]).toMatch(
      /^\| ❌ fail \| wrong \\<\\&"'\\> \\\| expectation \| allowed \| denied \| CiliumNetworkPolicy db\/lock-db \| ingress of db\/postgres-0: default deny/,
    );
    expect(lines[4]).toMatch(
      /^\| ⚠️ error \| ghost \| denied \| denied \| no policy \| probe error: pod "nobody" not found/,
    );
    expect(lines[5]).toBe(
      '| ➖ skip | no-expect |  | denied | CiliumNetworkPolicy db/lock-db |  |',
    );
    expect(lines.slice(6)).toEqual(['', '**1 passed, 2 failed**']);
  });

  test('verdicts --markdown: probe, verdict, deciding policies and reason', () => {
    const out = run(['verdicts', CLUSTER, POLICY, '--probes', PROBES, '--markdown']);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('| Probe | Verdict | Decided by | Reason |');
    expect(lines).toHaveLength(2 + 5);
    expect(lines[3]).toMatch(/^\| debug-to-db \| denied \| CiliumNetworkPolicy db\/lock-db \| /);
  });

  test('matrix --csv: RFC 4180 records that agree with --json', () => {
    const text = run(['matrix', CLUSTER, POLICY, '--csv']).stdout;
    expect(text.endsWith('\r\n')).toBe(true);
    const records = text.slice(0, -2).split('\r\n');
    expect(records[0]).toBe('from,to,port,protocol,verdict');
    const doc = JSON.parse(run(['matrix', CLUSTER, POLICY, '--json']).stdout) as {
      results: { from: string; to: string; port: number; protocol: string; verdict: string }[];
    };
    expect(records.slice(1)).toEqual(
      doc.results.map((r) => [r.from, r.to, r.port, r.protocol, r.verdict].join(',')),
    );
  });

  test.each([
    [['matrix', CLUSTER, '--junit', 'x.xml'], /--junit belongs to check and verdicts/],
    [['check', EX, '--csv'], /--csv belongs to matrix/],
    [['matrix', CLUSTER, '--csv', '--json'], /one of --json, --markdown and --csv/],
    [['check', EX, '--junit'], /--junit needs a value/],
  ])('%j fails with a message and exit code 2', (args, message) => {
    expect(() => run(args)).toThrow(message);
  });
});

describe('the process', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      encoding: 'utf8',
    });

  test('writes --junit files and exits 0, 1 or 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npp-'));
    const report = join(dir, 'nested', 'junit.xml');
    const check = cli(['check', EX, '--junit', report]);
    expect(check.status).toBe(0);
    expect(checkXml(readFileSync(report, 'utf8')).values).toContain('flask-to-db');
    const F = 'src/engine/diff/fixtures';
    expect(
      cli(['diff', `${F}/shop.yaml`, '--', `${F}/shop.yaml`, `${F}/lock-db.yaml`]).status,
    ).toBe(1);
    const bad = cli(['diff', `${F}/shop.yaml`, '--', 'no/such.yaml']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('error: no/such.yaml: no such file or directory');
  }, 30_000);
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

describe('flows', () => {
  const L7 = 'examples/l7-shop';
  const args = ['flows', `${L7}/cluster.yaml`, '--probes', `${L7}/probes.yaml`];

  test('compact lines from the default start time, reproducibly', () => {
    const out = run(args);
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^Jan {2}1 00:00:00\.\d{3}: shop\/client:\d+ \(ID:\d+\) -> shop\/web:80 \(ID:\d+\) policy-verdict:L3-L4 INGRESS ALLOWED \(TCP Flags: SYN\)$/,
    );
    expect(out.stdout).toMatch(/http-request DROPPED \(HTTP\/1\.1 POST http:\/\/web\.shop\.svc/);
    expect(out.stdout).toMatch(/dns-request proxy DROPPED \(DNS Query example\.com\. A\)/);
    expect(out.stdout).toMatch(/-> api\.github\.com:443 \(ID:16777217\) policy-verdict:/);
    expect(out.stdout).toContain('kafka-request DROPPED (Kafka request produce correlation id');
    expect(run(args).stdout).toBe(out.stdout);
  });

  test('-o json: one Hubble object per line; --json means the same', () => {
    const out = run([...args, '-o', 'json']);
    const lines = out.stdout.trimEnd().split('\n');
    for (const l of lines) {
      const doc = JSON.parse(l) as {
        flow: Record<string, unknown>;
        node_name: string;
        time: string;
      };
      expect(Object.keys(doc)).toEqual(['flow', 'node_name', 'time']);
      expect(Object.keys(doc.flow).slice(0, 3)).toEqual(['time', 'uuid', 'verdict']);
      expect(doc.time).toBe(doc.flow.time);
    }
    expect(run([...args, '--json']).stdout).toBe(out.stdout);
    expect(run([...args, '--output=jsonpb']).stdout).toBe(out.stdout);
  });

  test('-o dict separates records with dashes', () => {
    const out = run([...args, '-odict']);
    expect(out.stdout.startsWith('  TIMESTAMP: Jan  1 00:00:00.')).toBe(true);
    expect(out.stdout).toContain('\n------------\n');
    expect(out.stdout).not.toContain('(ID:');
  });

  test('--since-time, --print-node-name and --print-policy-names', () => {
    const out = run([
      ...args,
      '--since-time',
      '2026-05-04T13:23:40Z',
      '--print-node-name',
      '--print-policy-names',
    ]);
    expect(out.stdout.split('\n')[0]).toMatch(
      /^May {2}4 13:23:40\.\d{3} \[kind-worker\d?\]: .* INGRESS ALLOWED BY web-l7 \(CiliumNetworkPolicy\) \(TCP Flags: SYN\)$/,
    );
  });

  test('redaction flags turn redaction on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npp-'));
    const probes = join(dir, 'probes.yaml');
    writeFileSync(
      probes,
      'probes:\n  - {id: q, from: shop/client, to: shop/web, port: 80, http: {path: "/api/x?token=abc", headers: {X-Token: s3cret}}}\n',
    );
    const base = ['flows', `${L7}/cluster.yaml`, '--probes', probes];
    expect(run(base).stdout).toContain('/api/x?token=abc');
    const q = run([...base, '--redact-http-urlquery']).stdout;
    expect(q).not.toContain('token=abc');
    expect(q).toMatch(/GET http:\/\/[\d.]+\/api\/x\)/);
    const allow = run([...base, '-o', 'json', '--redact-http-headers-allow', 'x-request-id']);
    expect(allow.stdout).toContain('{"key":"X-Token","value":"HUBBLE_REDACTED"}');
    const deny = run([...base, '-o', 'json', '--redact-http-headers-deny=X-Token']);
    expect(deny.stdout).toContain('{"key":"X-Token","value":"HUBBLE_REDACTED"}');
    expect(deny.stdout).not.toMatch(/"X-Request-Id","value":"HUBBLE_REDACTED"/);
    const kafka = run([...args, '--redact-kafka-apikey']).stdout;
    expect(kafka).toContain('Kafka request HUBBLE_REDACTED correlation id');
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
    [['flows', CLUSTER], /flows needs --probes/],
    [['flows', CLUSTER, '--probes', PROBES, '-o', 'table'], /invalid output format: table/],
    [['flows', CLUSTER, '--probes', PROBES, '--since-time', 'yesterday'], /--since-time must be/],
    [['flows', CLUSTER, '--probes', PROBES, '--redact-http-userinfo=maybe'], /true or false/],
    [['verdicts', CLUSTER, '--probes', PROBES, '-o', 'json'], /belong to flows/],
    [['verdicts', CLUSTER, '--', PROBES], /-- separates the before and after files of diff only/],
  ])('%j fails with a message and exit code 2', (args, message) => {
    expectInputError(args, message);
  });
});

describe('shell', () => {
  test('types each line at the prompt and prints the transcript', () => {
    const out = run(['shell', CLUSTER, '--script', 'src/cli/fixtures/shell-basics.txt']);
    expect(out.exitCode).toBe(0);
    const expected = [
      '$ echo hello | wc -c',
      '6',
      '$ POD=$(echo postgres-0); echo "pod is $POD"',
      'pod is postgres-0',
      '$ foo',
      'bash: foo: command not found',
      '$ exit',
    ].join('\n');
    // `exit` on the host prints a notice that the terminal stays open.
    expect(out.stdout.startsWith(`${expected}\n`)).toBe(true);
    expect(out.stdout.length).toBeGreaterThan(expected.length + 1);
  });

  test('reads the commands from standard input without --script', () => {
    const out = run(['shell', CLUSTER], { readStdin: () => 'echo from stdin\n' });
    expect(out.stdout).toBe('$ echo from stdin\nfrom stdin\n');
  });

  test.each([
    [['shell', CLUSTER, '--script', 'no/such/script.txt'], /no such file/],
    [['shell', CLUSTER, '--dns', 'src/cli/fixtures/bad-syntax.yaml'], /bad-syntax\.yaml/],
    [['shell', CLUSTER, '--frobnicate'], /unknown option --frobnicate for shell/],
  ])('%j fails with a message and exit code 2', (args, message) => {
    expect(() => run(args)).toThrow(message);
  });
});

describe('shell with background traffic', () => {
  test('a traffic file among the manifests keeps the vote bot voting while time passes', () => {
    const out = run(['shell', 'examples/emojivoto'], {
      readStdin: () =>
        'sleep 4\nhubble observe --protocol http --from-pod emojivoto/vote-bot --last 1\n',
    });
    expect(out.stdout).toMatch(
      /http-request FORWARDED \(HTTP\/1\.1 GET http:\/\/web-svc\.emojivoto:80\/api\/vote\?choice=:joy:\)/,
    );
  });
});

describe('examples', () => {
  // Every example cluster has a probes file; examples/ci holds a workflow, not a cluster.
  const dirs = readdirSync('examples', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`examples/${d.name}/probes.yaml`))
    .map((d) => `examples/${d.name}`);
  test.each(dirs)('%s meets every expectation of its probes file', (dir) => {
    const out = run(['check', dir]);
    expect(out.stdout).toMatch(/ 0 failed\n$/);
    expect(out.stderr).toBe('');
    expect(out.exitCode).toBe(0);
  });
});

describe('lessons', () => {
  test('lists the curriculum', () => {
    const out = run(['lessons', '--json']);
    const doc = JSON.parse(out.stdout) as { lessons: { id: string; steps: string[] }[] };
    expect(doc.lessons.map((l) => l.id)).toContain('lock-the-database');
    expect(doc.lessons.every((l) => l.steps.length > 0)).toBe(true);
  });

  test('lesson check passes the solution and fails a wrong answer with exit 1', () => {
    const dir = 'src/lessons/02-lock-the-database';
    const good = run(['lesson', 'check', 'lock-the-database', `${dir}/solution/policy.yaml`]);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
    const bad = run([
      'lesson',
      'check',
      'lock-the-database',
      `${dir}/wrong/ingress-empty-list.yaml`,
      '--json',
    ]);
    expect(bad.exitCode).toBe(1);
    expect((JSON.parse(bad.stdout) as { failed: number }).failed).toBeGreaterThan(0);
  });

  test.each([
    [['lesson', 'check', 'no-such-lesson'], /no lesson "no-such-lesson"/],
    [['lesson', 'frobnicate'], /usage: lesson check/],
  ])('%j fails with a message', (args, message) => {
    expect(() => run(args)).toThrow(message);
  });
});
