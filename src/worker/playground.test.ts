import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLessons } from '../lessons/fs.ts';
import type { LessonFile } from '../lessons/model.ts';
import type { FlowRow } from '../sim/graph-types.ts';
import { SimWorld } from '../sim/world.ts';
import type { ExplainedRule, LoadRequest, RuleEffect, RuleLens } from './api.ts';
import { completeLine } from './complete.ts';
import { Playground } from './playground.ts';
import { computeRuleFlows } from './rule-flows.ts';

const example = (name: string) =>
  readFileSync(new URL(`../../examples/flask-postgres/${name}`, import.meta.url), 'utf8');

function flaskPostgres(extra: Partial<LoadRequest> = {}): Playground {
  const p = new Playground();
  p.load({
    files: [{ name: 'cluster.yaml', text: example('cluster.yaml') }],
    workspace: [{ name: 'lock-db.yaml', text: example('lock-db.yaml') }],
    ...extra,
  });
  return p;
}

/** What Tab offers with the cursor at the end of `line`. */
function tab(p: Playground, line: string) {
  return p.complete(line, line.length);
}

/** One lesson step with one check: the dummy namespace's debug pod cannot reach PostgreSQL. */
const DUMMY_BLOCKED = [
  {
    checks: [
      {
        id: 'dummy-blocked',
        description: 'dummy cannot reach postgres',
        probe: { from: 'dummy/debug', to: 'db/postgres-0', port: 5432 },
        expect: 'denied' as const,
      },
    ],
  },
];

describe('Playground', () => {
  it('runs lines and answers with plain data', () => {
    const p = flaskPostgres();
    const r = p.run('echo hello | wc -c');
    expect(r).toEqual({
      out: [{ stream: 'stdout', text: '6\n' }],
      exitCode: 0,
      elapsedMs: 0,
      prompt: '$ ',
    });
    expect(structuredClone(r)).toEqual(r);
    expect(p.run('sleep 2').elapsedMs).toBe(2000);
    expect(p.run('false').exitCode).toBe(1);
    expect(p.prompt()).toBe('$ ');
  });

  it('runs background traffic from a traffic list while simulated time passes', () => {
    const p = flaskPostgres({
      traffic:
        'traffic:\n  - every: 2s\n    probe: {from: db/debug, to: svc:db/flask-app-service, port: 80, http: {path: /metrics}}\n',
    });
    p.run('sleep 5');
    const seen = p
      .run('hubble observe --last 20')
      .out.map((c) => c.text)
      .join('');
    // Two runs (at 2 s and 4 s), each a new connection from its own client port.
    const syns = [
      ...seen.matchAll(/db\/debug:(\d+) .* -> db\/flask-app-\S+ .*\(TCP Flags: SYN\)/g),
    ];
    expect(syns).toHaveLength(2);
    expect(syns[0]![1]).not.toBe(syns[1]![1]);
  });

  it('reports a bad traffic entry and still loads', () => {
    const p = new Playground();
    expect(p.load({ files: [], traffic: 'traffic: [{every: 3s}]' }).problems).toEqual([
      'traffic[0]: needs a probe',
    ]);
  });

  it('passes on what a command asks of the page', () => {
    const p = flaskPostgres();
    expect(p.run('cilium hubble ui').effects).toEqual([
      { kind: 'open-panel', panel: 'flow-graph' },
    ]);
    expect(p.run('cilium hubble ui --open-browser=false').effects).toBeUndefined();
    expect(p.run('echo hi').effects).toBeUndefined();
  });

  it('takes editor buffers as live files and answers with diagnostics and the graph', () => {
    const p = flaskPostgres();
    const broken = p.setFile(
      'policy.yaml',
      'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x, namespace: db}\nspec:\n  endpointSelector: {}\n  ingress: [{fromEndpoint: []}]\n',
    );
    expect(broken.diagnostics.filter((d) => d.file === 'policy.yaml')).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'unknown-field',
        startLine: 6,
        startColumn: 14,
        path: 'spec.ingress[0].fromEndpoint',
      }),
    ]);
    const fixed = p.setFile('policy.yaml', example('lock-db.yaml'));
    expect(fixed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(fixed.revision).toBeGreaterThan(broken.revision);
    const edge = fixed.graph.edges.find(
      (e) => e.id === 'workload:dummy/debug|workload:db/postgres|5432/TCP|possible',
    );
    expect(edge?.verdict).toBe('denied');
    expect(structuredClone(fixed)).toEqual(fixed);
    const removed = p.removeFile('policy.yaml');
    expect(removed.graph.edges.find((e) => e.id === edge?.id)?.verdict).toBe('allowed');
  });

  it('runs lesson checks against the live state without leaving flows behind', () => {
    const p = flaskPostgres();
    const steps = DUMMY_BLOCKED;
    expect(p.checks(steps)[0]?.[0]?.passed).toBe(false);
    // A policy applied in the terminal counts as much as one in the editor.
    p.run('kubectl apply -f lock-db.yaml');
    expect(p.checks(steps)[0]?.[0]?.passed).toBe(true);
    expect(
      p
        .run('hubble observe --last 5')
        .out.map((c) => c.text)
        .join(''),
    ).toBe('');
  });

  it('answers an edit with its check results in the same round trip', () => {
    const p = flaskPostgres();
    const steps = DUMMY_BLOCKED;
    expect(p.setFile('policy.yaml', '# nothing yet\n', steps).checks?.[0]?.[0]?.passed).toBe(false);
    expect(p.setFile('policy.yaml', example('lock-db.yaml'), steps).checks?.[0]?.[0]?.passed).toBe(
      true,
    );
    expect(p.setFile('policy.yaml', example('lock-db.yaml')).checks).toBeUndefined();
  });

  it('explains a verdict with the YAML range of the deciding rule', () => {
    const p = flaskPostgres();
    p.setFile('lock-db.yaml', example('lock-db.yaml'));
    const denied = p.explain('dummy/debug', 'db/postgres-0', 5432, 'TCP');
    expect(denied.verdict).toBe('denied');
    expect(denied.rules[0]).toMatchObject({ file: 'lock-db.yaml', startLine: expect.any(Number) });
    const allowed = p.explain('db/flask-app', 'db/postgres-0', 5432, 'TCP');
    expect(allowed.verdict).toBe('allowed');
    expect(allowed.rules[0]?.label).toContain('CiliumNetworkPolicy db/lock-db spec.ingress[0]');
  });

  it('works before anything is loaded', () => {
    const p = new Playground();
    expect(p.run('echo hi').out).toEqual([{ stream: 'stdout', text: 'hi\n' }]);
  });

  it('starts with the history of earlier visits and starts afresh on load', () => {
    const p = flaskPostgres({ history: ['echo before'] });
    p.run('true');
    expect(p.run('history').out[0]?.text).toBe('    1  echo before\n    2  true\n    3  history\n');
    p.load({ files: [] });
    expect(p.run('history').out[0]?.text).toBe('    1  history\n');
  });

  it('completes command names where a command goes', () => {
    const p = flaskPostgres();
    expect(tab(p, 'e')).toEqual({ candidates: ['echo', 'exit', 'export'], replaceFrom: 0 });
    expect(tab(p, 'echo hi | gr')).toEqual({ candidates: ['grep'], replaceFrom: 10 });
    expect(tab(p, 'true && hist')).toEqual({ candidates: ['history'], replaceFrom: 8 });
    expect(tab(p, 'X=1 ec').candidates).toEqual(['echo']);
    expect(tab(p, 'help wc').candidates).toEqual(['wc']);
    expect(tab(p, 'echo $(he').candidates).toEqual(['head', 'help']);
    // Only what is before the cursor counts.
    expect(p.complete('ec hello', 2)).toEqual({ candidates: ['echo'], replaceFrom: 0 });
  });

  it('offers nothing inside quotes, variables or after a redirection', () => {
    const p = flaskPostgres();
    expect(tab(p, 'echo "ec').candidates).toEqual([]);
    expect(tab(p, 'echo $HO').candidates).toEqual([]);
    expect(tab(p, 'echo hi > ').candidates).toEqual([]);
    expect(tab(p, 'echo e').candidates).toEqual([]);
  });

  it('completes kubectl subcommands, kinds, names, namespaces and files', () => {
    const p = flaskPostgres();
    expect(tab(p, 'kubectl g').candidates).toEqual(['get']);
    expect(tab(p, 'kubectl get se').candidates).toEqual(['serviceaccounts', 'services']);
    expect(tab(p, 'kubectl get pods -n db p')).toEqual({
      candidates: ['postgres-0'],
      replaceFrom: 23,
    });
    expect(tab(p, 'kubectl -n db get po ').candidates).toContain('postgres-0');
    expect(tab(p, 'kubectl get pods d').candidates).toEqual([]);
    expect(tab(p, 'kubectl get pods -A d').candidates).toEqual(['debug']);
    expect(tab(p, 'kubectl get pod/p -n db')).toEqual({ candidates: ['db'], replaceFrom: 21 });
    expect(p.complete('kubectl get pod/p -n db', 17)).toEqual({
      candidates: ['pod/postgres-0'],
      replaceFrom: 12,
    });
    expect(tab(p, 'kubectl get ns d').candidates).toEqual(['db', 'default', 'dummy']);
    expect(tab(p, 'kubectl get svc --namespace=db my')).toEqual({
      candidates: ['mydb-service'],
      replaceFrom: 31,
    });
    expect(tab(p, 'kubectl get pods --namespace=du')).toEqual({
      candidates: ['dummy'],
      replaceFrom: 29,
    });
    expect(tab(p, 'kubectl get deploy -n db ').candidates).toEqual(['flask-app']);
    expect(tab(p, 'kubectl get sts -n db ').candidates).toEqual(['postgres']);
    expect(tab(p, 'kubectl get pods -o y').candidates).toEqual(['yaml']);
    expect(tab(p, 'kubectl apply -f ').candidates).toEqual(['cluster.yaml', 'lock-db.yaml']);
    expect(tab(p, 'kubectl exec -n dummy -it ').candidates).toEqual(['debug']);
    expect(tab(p, 'kubectl exec -n db -it debug -- ').candidates).toContain('echo');
    expect(tab(p, 'kubectl --all').candidates).toEqual(['--all-namespaces']);
  });

  it('completes policy names once a policy exists', () => {
    const p = new Playground();
    p.load({
      files: [
        { name: 'cluster.yaml', text: example('cluster.yaml') },
        { name: 'lock-db.yaml', text: example('lock-db.yaml') },
      ],
    });
    expect(tab(p, 'kubectl get cnp -n db ').candidates).toEqual(['lock-db']);
    expect(tab(p, 'kubectl get ciliumnetworkpolicies ').candidates).toEqual([]);
  });

  it('completes hosts for network tools and hubble flags and values', () => {
    const p = flaskPostgres();
    expect(tab(p, 'curl http://my')).toEqual({
      candidates: ['http://mydb-service.db'],
      replaceFrom: 5,
    });
    expect(tab(p, 'nc -zv my').candidates).toEqual(['mydb-service.db']);
    expect(tab(p, 'curl --max').candidates).toEqual(['--max-time']);
    expect(tab(p, 'hubble o').candidates).toEqual(['observe']);
    expect(tab(p, 'hubble observe --verdict D').candidates).toEqual(['DROPPED']);
    expect(tab(p, 'hubble observe --from-pod db/p').candidates).toEqual(['db/postgres-0']);
    expect(tab(p, 'hubble observe --to-pod=dummy/').candidates).toEqual(['dummy/debug']);
    expect(tab(p, 'unknown-tool x').candidates).toEqual([]);
  });

  it('completes bare service names from inside a pod', () => {
    const { cluster } = new SimWorld({
      files: [{ name: 'cluster.yaml', text: example('cluster.yaml') }],
    }).engine;
    const ctx = { commands: ['curl'], cluster, policies: [], files: [], podNamespace: 'db' };
    expect(completeLine(ctx, 'curl my', 7).candidates).toEqual(['mydb-service', 'mydb-service.db']);
  });
});

describe('flows from elsewhere and policies from flows', () => {
  /** One line of a real export: a pod of a cluster the playground does not have. */
  const exported = readFileSync(
    new URL('../engine/flows/fixtures/other-cluster.jsonl', import.meta.url),
    'utf8',
  ).trimEnd();

  it('imports an export into the graph, the flow table and hubble observe', () => {
    const p = flaskPostgres();
    expect(p.importFlows(`${exported}\nnot json\n`)).toEqual({
      imported: 1,
      problems: ['line 2: not JSON'],
    });
    const { graph } = p.state();
    expect(graph.nodes.find((n) => n.id === 'workload:prod/checkout')).toMatchObject({
      kind: 'workload',
      namespace: 'prod',
      pods: ['prod/checkout-7d9f8b6c5d-x2x9q'],
      labels: { app: 'checkout' },
    });
    expect(graph.nodes.some((n) => n.id === 'workload:prod/payments')).toBe(true);
    expect(
      graph.edges.find(
        (e) => e.id === 'workload:prod/checkout|workload:prod/payments|8080/TCP|observed',
      ),
    ).toMatchObject({ verdict: 'allowed', count: 1 });
    expect(graph.flows!.at(-1)).toMatchObject({
      source: 'prod/checkout-7d9f8b6c5d-x2x9q',
      destination: 'prod/payments-0',
      port: 8080,
    });
    const observed = p
      .run('hubble observe --last 5')
      .out.map((c) => c.text)
      .join('');
    expect(observed).toContain('prod/checkout-7d9f8b6c5d-x2x9q:51234');
  });

  it('writes policies from what the terminal did, which then allow exactly that', () => {
    const p = flaskPostgres();
    expect(p.generatePolicies().connections).toBe(0);
    p.run('kubectl exec -n db debug -- nc -z -w 1 postgres-0.mydb-service 5432');
    const g = p.generatePolicies();
    expect(g.connections).toBeGreaterThan(0);
    expect(g.yaml).toContain('kind: CiliumNetworkPolicy');
    expect(g.yaml).toContain('port: "5432"');
    p.setFile('generated-policies.yaml', g.yaml);
    expect(p.state().diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const again = p.run('kubectl exec -n db debug -- nc -z -w 1 postgres-0.mydb-service 5432');
    expect(again.exitCode).toBe(0);
    // Not seen, so no longer allowed.
    expect(
      p.run('kubectl exec -n db debug -- nc -z -w 1 postgres-0.mydb-service 80').exitCode,
    ).toBe(1);
  });
});

// --- show rule from flows, checks and rules → flows ----------------------------------------------

const lessons = readLessons();

/** A playground on a lesson's cluster with the given learner files (its solution by default). */
function onLesson(id: string, files?: (solution: LessonFile[]) => LessonFile[]) {
  const lesson = lessons.find((l) => l.id === id)?.lesson;
  if (!lesson) throw new Error(`no lesson ${id}`);
  const learner = files ? files(lesson.solution) : lesson.solution;
  const p = new Playground();
  p.load({
    files: [
      ...lesson.cluster.map((f) => ({ name: `cluster/${f.name}`, text: f.text })),
      ...learner,
    ],
    workspace: lesson.workspace,
    zone: lesson.zone,
  });
  const text = new Map(learner.map((f) => [f.name, f.text]));
  return { p, lesson, text };
}

/** The YAML a rule's range covers, from its first line to its last. */
function yamlAt(
  text: Map<string, string>,
  r: Pick<ExplainedRule, 'file' | 'startLine' | 'endLine'>,
) {
  const lines = (text.get(r.file) ?? '').split('\n');
  return lines.slice(r.startLine - 1, Math.max(r.startLine, r.endLine)).join('\n');
}

it('leaves out the flow rows the page already has', () => {
  const p = new Playground();
  p.load({
    files: [{ name: 'cluster.yaml', text: example('cluster.yaml') }],
  });
  p.run(DUMMY_NC);
  const full = p.state();
  expect(full.graph.flows?.length).toBeGreaterThan(0);
  const key = full.graph.flowsKey;
  expect(p.setFile('policy.yaml', '# nothing yet\n', undefined, key).graph.flows).toBeUndefined();
  expect(p.state(key).graph).not.toHaveProperty('flows');
  expect(p.state('some other key').graph.flows).toEqual(full.graph.flows);
  p.run(DUMMY_NC);
  const grown = p.state(key).graph;
  expect(grown.flowsKey).not.toBe(key);
  expect(grown.flows?.length).toBeGreaterThan(full.graph.flows!.length);
});

/** Runs a command and returns the flow rows it added. */
function runFlows(p: Playground, command: string): FlowRow[] {
  const before = p.state().graph.flows!.at(-1)?.seq ?? -1;
  p.run(command);
  return p.state().graph.flows!.filter((r) => r.seq > before);
}

const DUMMY_NC = 'kubectl exec debug -n dummy -- nc -v -z -w 2 postgres-0.mydb-service.db 5432';
const DEV_CURL = (args: string) => `kubectl exec debug -n dev -- curl -s ${args}`;
const TEST_POD_CURL = (url: string) => `kubectl exec test-pod -- curl -sS -m 5 ${url}`;

describe('explainFlow', () => {
  const cases: {
    name: string;
    lesson: string;
    command: string;
    row: (r: FlowRow) => boolean;
    verdict: 'allowed' | 'denied';
    subject: RegExp;
    reason: RegExp;
    rule: { role: ExplainedRule['role']; label: RegExp; yaml: RegExp };
  }[] = [
    {
      name: 'a drop under default deny points at the rule that switched it on',
      lesson: 'lock-the-database',
      command: DUMMY_NC,
      row: (r) => r.type === 'Policy denied',
      verdict: 'denied',
      subject: /^dummy\/debug → db\/postgres-0 5432\/TCP$/,
      reason: /default deny/,
      rule: {
        role: 'default-deny',
        label: /CiliumNetworkPolicy db\/flask-app-to-db spec\.ingress\[0\]/,
        yaml: /fromEndpoints/,
      },
    },
    {
      name: 'an HTTP request the proxy refused points at the HTTP rules that did not match',
      lesson: 'only-get-root',
      command: DEV_CURL('-X POST http://flask-app-service.db/'),
      row: (r) => r.type === 'http-request',
      verdict: 'denied',
      subject:
        /^dev\/debug → service db\/flask-app-service \(db\/flask-app-\S+\) 5000\/TCP, POST http:\/\/flask-app-service\.db\/$/,
      reason: /^403 by proxy/,
      rule: {
        role: 'l7-refused',
        label: /db\/l7-rule spec\.ingress\[0\]\.toPorts\[0\]\.rules\.http\[0\]/,
        yaml: /- method: GET/,
      },
    },
    {
      name: 'an HTTP request the proxy let through points at the HTTP rule that matched',
      lesson: 'only-get-root',
      command: DEV_CURL('http://flask-app-service.db/'),
      row: (r) => r.type === 'http-response',
      verdict: 'allowed',
      subject: /, GET http:\/\/flask-app-service\.db\/$/,
      reason: /ingress proxy: allowed by/,
      rule: {
        role: 'l7-allowed',
        label: /spec\.ingress\[0\]\.toPorts\[0\]\.rules\.http\[0\]/,
        yaml: /- method: GET/,
      },
    },
    {
      name: 'the DNS lookup before an fqdn connection points at the DNS rule',
      lesson: 'netperf-egress-by-dns-name',
      command: TEST_POD_CURL('https://twitter.com'),
      row: (r) => r.type.startsWith('dns-request') && r.summary.endsWith('twitter.com. A'),
      verdict: 'allowed',
      subject:
        /^default\/test-pod → service kube-system\/kube-dns .* 53\/UDP, DNS A twitter\.com\.$/,
      reason: /DNS proxy: allowed by/,
      rule: {
        role: 'l7-allowed',
        label: /to-twitter-only spec\.egress\[0\]\.toPorts\[0\]\.rules\.dns\[0\]/,
        yaml: /matchPattern: "\*"/,
      },
    },
    {
      name: 'a connection to a name no toFQDNs rule covers is a default deny on egress',
      lesson: 'netperf-egress-by-dns-name',
      command: TEST_POD_CURL('https://www.google.com'),
      row: (r) => r.type === 'Policy denied',
      verdict: 'denied',
      subject: /^default\/test-pod → www\.google\.com \(\d+\.\d+\.\d+\.\d+\) 443\/TCP$/,
      reason: /egress of default\/test-pod: default deny/,
      rule: {
        role: 'default-deny',
        label: /to-twitter-only spec\.egress\[0\]/,
        yaml: /toEndpoints/,
      },
    },
    {
      name: 'a connection to a name a toFQDNs rule covers points at that rule',
      lesson: 'netperf-egress-by-dns-name',
      command: TEST_POD_CURL('https://twitter.com'),
      row: (r) => r.source === 'twitter.com' && r.type === 'to-endpoint',
      verdict: 'allowed',
      subject: /^default\/test-pod → twitter\.com \(\S+\) 443\/TCP$/,
      reason: /allowed by CiliumNetworkPolicy default\/to-twitter-only spec\.egress\[1\]/,
      rule: { role: 'allowed', label: /to-twitter-only spec\.egress\[1\]/, yaml: /toFQDNs/ },
    },
  ];

  it.each(cases)('$name', (c) => {
    const { p, text } = onLesson(c.lesson);
    const row = runFlows(p, c.command).find(c.row);
    expect(row, 'the command logs the flow').toBeDefined();
    const ex = p.explainFlow(row!.seq)!;
    expect(ex).toMatchObject({ verdict: c.verdict });
    expect(ex.subject).toMatch(c.subject);
    expect(ex.reason).toMatch(c.reason);
    expect(ex.note).toBeUndefined();
    const first = ex.rules[0]!;
    expect(first.role).toBe(c.rule.role);
    expect(first.label).toMatch(c.rule.label);
    expect(yamlAt(text, first)).toMatch(c.rule.yaml);
    expect(structuredClone(ex)).toEqual(ex);
  });

  it('says so when the policies changed since the flow was logged', () => {
    const { p, lesson } = onLesson('lock-the-database', () => []);
    const row = runFlows(p, DUMMY_NC).find((r) => r.destination === 'db/postgres-0');
    expect(p.explainFlow(row!.seq)).toMatchObject({ verdict: 'allowed', rules: [] });
    p.setFile('policy.yaml', lesson.solution[0]!.text);
    const ex = p.explainFlow(row!.seq)!;
    expect(ex.verdict).toBe('denied');
    expect(ex.note).toBe(
      'Hubble logged it as allowed; under the policies as they are now it is denied.',
    );
  });

  it('answers null for a flow that is not in the buffer', () => {
    const { p } = onLesson('lock-the-database');
    expect(p.explainFlow(0)).toBeNull();
    const rows = runFlows(p, DUMMY_NC);
    expect(p.explainFlow(rows.at(-1)!.seq + 1)).toBeNull();
    expect(p.explainFlow(-1)).toBeNull();
    expect(p.explainFlow(0.5)).toBeNull();
  });
});

describe('explainProbe', () => {
  it.each([
    { check: 'metrics-refused-for-dev', verdict: 'denied', role: 'l7-refused', yaml: /path: \// },
    { check: 'front-page-from-outside', verdict: 'allowed', role: 'l7-allowed', yaml: /path: \// },
  ] as const)('explains the probe of check $check with its HTTP request', (c) => {
    const { p, lesson, text } = onLesson('only-get-root');
    const check = lesson.steps.flatMap((s) => s.checks).find((k) => k.id === c.check)!;
    const ex = p.explainProbe(check.probe);
    expect(ex.verdict).toBe(c.verdict);
    expect(ex.rules[0]?.role).toBe(c.role);
    expect(yamlAt(text, ex.rules[0]!)).toMatch(c.yaml);
    expect(ex.subject).toContain(' GET http://');
  });
});

/** A rule's lens by the end of its label, failing loudly when absent. */
function lensOf(lenses: RuleLens[], label: string): RuleLens {
  const lens = lenses.find((l) => l.label.endsWith(label));
  if (!lens) throw new Error(`no lens ${label} among ${lenses.map((l) => l.label).join(', ')}`);
  return lens;
}

/** The texts of a lens's flows with one effect. */
const flowsWith = (lens: RuleLens, effect: RuleEffect) =>
  lens.flows.filter((f) => f.effect === effect).map((f) => f.text);

const TWO_RULES = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: two-rules, namespace: db}
spec:
  endpointSelector: {matchLabels: {app: postgres}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: flask-app}}]
    - fromEndpoints: [{matchLabels: {app: flask-app}}]
      toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
  ingressDeny:
    - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: dummy}}]
`;
const PEERS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: peers, namespace: db}
spec:
  podSelector: {matchLabels: {app: postgres}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: flask-app}}
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: dummy}}
`;

describe('ruleFlows', () => {
  const cases: {
    name: string;
    lesson: string;
    files?: (solution: LessonFile[]) => LessonFile[];
    commands?: string[];
    file: string;
    rule: string;
    counts: Partial<Record<RuleEffect, number>>;
    flows: Partial<Record<RuleEffect, string[]>>;
    yaml: RegExp;
  }[] = [
    {
      name: 'possible traffic between workloads, denials under default deny labelled as such',
      lesson: 'lock-the-database',
      file: 'policy.yaml',
      rule: 'CiliumNetworkPolicy db/flask-app-to-db spec.ingress[0]',
      counts: { allowed: 1, denied: 0, 'default-deny': 3, 'l7-refused': 0 },
      flows: {
        allowed: ['db/flask-app → db/postgres 5432/TCP allowed'],
        'default-deny': [
          'dummy/debug → db/postgres 5432/TCP denied (default deny)',
          'db/debug → db/postgres 5432/TCP denied (default deny)',
          'kube-system/coredns → db/postgres 5432/TCP denied (default deny)',
        ],
      },
      yaml: /- fromEndpoints:/,
    },
    {
      name: 'observed connections are counted on the possible edge they are',
      lesson: 'lock-the-database',
      commands: [DUMMY_NC],
      file: 'policy.yaml',
      rule: 'spec.ingress[0]',
      counts: { allowed: 1, 'default-deny': 3 },
      flows: {
        'default-deny': ['dummy/debug → db/postgres 5432/TCP denied (default deny) · seen 2×'],
      },
      yaml: /- fromEndpoints:/,
    },
    {
      name: 'a flow allowed by two rules counts on both (first rule)',
      lesson: 'lock-the-database',
      files: () => [{ name: 'two.yaml', text: TWO_RULES }],
      file: 'two.yaml',
      rule: 'spec.ingress[0]',
      counts: { allowed: 1, denied: 0 },
      flows: { allowed: ['db/flask-app → db/postgres 5432/TCP allowed'] },
      yaml: /- fromEndpoints/,
    },
    {
      name: 'a flow allowed by two rules counts on both (second rule)',
      lesson: 'lock-the-database',
      files: () => [{ name: 'two.yaml', text: TWO_RULES }],
      file: 'two.yaml',
      rule: 'spec.ingress[1]',
      counts: { allowed: 1 },
      flows: { allowed: ['db/flask-app → db/postgres 5432/TCP allowed'] },
      yaml: /toPorts/,
    },
    {
      name: 'a deny rule counts what it denied, and default deny is not charged for it',
      lesson: 'lock-the-database',
      files: () => [{ name: 'two.yaml', text: TWO_RULES }],
      commands: [DUMMY_NC],
      file: 'two.yaml',
      rule: 'spec.ingressDeny[0]',
      counts: { denied: 1, 'default-deny': 2 },
      flows: { denied: ['dummy/debug → db/postgres 5432/TCP denied · seen 2×'] },
      yaml: /k8s:io\.kubernetes\.pod\.namespace: dummy/,
    },
    {
      name: 'the peers of one NetworkPolicy rule share its lens',
      lesson: 'lock-the-database',
      files: () => [{ name: 'peers.yaml', text: PEERS }],
      file: 'peers.yaml',
      rule: 'NetworkPolicy db/peers spec.ingress[0]',
      counts: { allowed: 2, 'default-deny': 2 },
      flows: {
        allowed: [
          'db/flask-app → db/postgres 5432/TCP allowed',
          'dummy/debug → db/postgres 5432/TCP allowed',
        ],
      },
      yaml: /- from:/,
    },
    {
      name: 'a request refused at L7 counts on the rule whose HTTP rules refused it',
      lesson: 'only-get-root',
      commands: [
        DEV_CURL('-X POST http://flask-app-service.db/'),
        DEV_CURL('http://flask-app-service.db/'),
      ],
      file: 'policy.yaml',
      rule: 'spec.ingress[0]',
      counts: { 'l7-refused': 1 },
      flows: {
        'l7-refused': ['dev/debug → db/flask-app 5000/TCP POST / refused at L7 · seen 1×'],
      },
      yaml: /- toPorts:/,
    },
    {
      name: 'an allowed request counts on the rule whose HTTP rule matched it',
      lesson: 'only-get-root',
      commands: [DEV_CURL('http://flask-app-service.db/')],
      file: 'policy.yaml',
      rule: 'spec.ingress[0]',
      counts: { 'l7-refused': 0 },
      flows: { allowed: ['dev/debug → db/flask-app 5000/TCP GET / allowed · seen 1×'] },
      yaml: /- toPorts:/,
    },
    {
      name: 'the DNS lookups and the fqdn connection count on their own rules',
      lesson: 'netperf-egress-by-dns-name',
      commands: [TEST_POD_CURL('https://twitter.com')],
      file: 'policy.yaml',
      rule: 'spec.egress[1]',
      counts: { allowed: 1 },
      flows: { allowed: ['default/test-pod → twitter.com 443/TCP allowed · seen 1×'] },
      yaml: /- toFQDNs:/,
    },
  ];

  it.each(cases)('$name', (c) => {
    const { p, text } = onLesson(c.lesson, c.files);
    for (const command of c.commands ?? []) p.run(command);
    const lenses = p.ruleFlows(c.file);
    const lens = lensOf(lenses, c.rule);
    expect(lens.counts).toMatchObject(c.counts);
    for (const [effect, expected] of Object.entries(c.flows))
      expect(flowsWith(lens, effect as RuleEffect)).toEqual(expect.arrayContaining(expected!));
    expect(yamlAt(text, lens).trimStart()).toMatch(c.yaml);
    expect(lens).toMatchObject({ file: c.file, truncated: false, partial: false });
    expect(structuredClone(lenses)).toEqual(lenses);
  });

  it('lists the rules of a file in order, with what explains each flow', () => {
    const { p } = onLesson('only-get-root');
    const rows = runFlows(p, DEV_CURL('-X POST http://flask-app-service.db/'));
    const lenses = p.ruleFlows('policy.yaml');
    expect(lenses.map((l) => l.label)).toEqual([
      'CiliumNetworkPolicy db/l7-rule spec.ingress[0]',
      'CiliumNetworkPolicy db/l7-rule spec.ingress[1]',
    ]);
    const refused = lenses[0]!.flows.find((f) => f.effect === 'l7-refused')!;
    // Listed first, with the newest record of the attempt to explain it by.
    expect(lenses[0]!.flows[0]).toBe(refused);
    expect(refused.seq).toBe(rows.at(-1)!.seq);
    expect(p.explainFlow(refused.seq!)?.rules[0]?.role).toBe('l7-refused');
    const possible = lenses[1]!.flows[0]!;
    expect(possible).toMatchObject({
      observed: 0,
      pods: {
        from: expect.stringMatching(/^monitoring\/prometheus/),
        to: expect.stringMatching(/^db\/flask-app-/),
      },
      edge: 'workload:monitoring/prometheus|workload:db/flask-app|5000/TCP|possible',
    });
    expect(p.ruleFlows('cluster/cluster.yaml')).toEqual([]);
    expect(p.ruleFlows('no-such-file.yaml')).toEqual([]);
  });

  it('follows edits and new flows', () => {
    const { p, lesson } = onLesson('lock-the-database');
    const before = lensOf(p.ruleFlows('policy.yaml'), 'spec.ingress[0]');
    expect(before.flows.every((f) => f.observed === 0)).toBe(true);
    p.run(DUMMY_NC);
    expect(lensOf(p.ruleFlows('policy.yaml'), 'spec.ingress[0]').flows[0]?.observed).toBe(2);
    p.setFile('policy.yaml', '# nothing\n');
    expect(p.ruleFlows('policy.yaml')).toEqual([]);
    p.setFile('policy.yaml', lesson.solution[0]!.text.replace('app: flask-app', 'app: debug'));
    const after = lensOf(p.ruleFlows('policy.yaml'), 'spec.ingress[0]');
    expect(flowsWith(after, 'allowed')).toEqual(['db/debug → db/postgres 5432/TCP allowed']);
  });

  it('caps the pairs it tries and the flows it lists, and says so', () => {
    const lesson = lessons.find((l) => l.id === 'lock-the-database')!.lesson!;
    const world = new SimWorld({
      files: [
        ...lesson.cluster.map((f) => ({ name: `cluster/${f.name}`, text: f.text })),
        ...lesson.solution,
      ],
    });
    const full = computeRuleFlows(world).get('policy.yaml')![0]!;
    expect(full).toMatchObject({ truncated: false, partial: false });
    const capped = computeRuleFlows(world, { pairs: 2, flowsPerRule: 1 }).get('policy.yaml')![0]!;
    expect(capped).toMatchObject({ truncated: false, partial: true });
    expect(capped.counts['default-deny'] + capped.counts.allowed).toBeLessThan(4);
    const listed = computeRuleFlows(world, { pairs: 1000, flowsPerRule: 2 }).get(
      'policy.yaml',
    )![0]!;
    expect(listed).toMatchObject({ truncated: true, partial: false, counts: full.counts });
    expect(listed.flows).toEqual(full.flows.slice(0, 2));
  });
});

describe('lint', () => {
  /** The findings as `file:line code`, for short comparisons. */
  const where = (p: Playground) => p.lint().map((f) => `${f.file}:${f.startLine} ${f.code}`);

  it('finds an empty ingress list in an editor buffer, with its quick fix', () => {
    const { p, lesson } = onLesson('lock-the-database');
    // Meant as "deny all ingress"; egress is isolated too, so Cilium 1.18 accepts the policy.
    const wrong = [
      'apiVersion: cilium.io/v2',
      'kind: CiliumNetworkPolicy',
      'metadata:',
      '  name: lock-db',
      '  namespace: db',
      'spec:',
      '  endpointSelector:',
      '    matchLabels:',
      '      app: postgres',
      '  ingress: []',
      '  egress: [{}]',
      '',
    ].join('\n');
    p.setFile('policy.yaml', wrong);
    const findings = p.lint();
    expect(findings).toEqual([
      {
        file: 'policy.yaml',
        startLine: 10,
        startColumn: 12,
        endLine: 10,
        endColumn: 14,
        code: 'empty-list-no-default-deny',
        severity: 'warning',
        message: expect.stringContaining('write `ingress: [{}]`') as string,
        fix: {
          title: 'Replace ingress: [] with ingress: [{}]',
          range: { startLine: 10, startColumn: 12, endLine: 10, endColumn: 14 },
          text: '[{}]',
        },
      },
    ]);
    expect(structuredClone(findings)).toEqual(findings);
    // With the fix applied the doctor has nothing more to say.
    p.setFile('policy.yaml', wrong.replace('ingress: []', 'ingress: [{}]'));
    expect(p.lint()).toEqual([]);
    p.setFile('policy.yaml', lesson.solution[0]!.text);
    expect(p.lint()).toEqual([]);
  });

  it('has nothing to say about a lesson solution', () => {
    expect(onLesson('lock-the-database').p.lint()).toEqual([]);
    expect(onLesson('capstone').p.lint()).toEqual([]);
  });

  it('follows the objects applied in the terminal, and answers unchanged inputs at once', () => {
    const { p } = onLesson('capstone', (solution) =>
      solution.map((f) => ({ ...f, text: f.text.replace(/app: frontend\b/g, 'app: frontent') })),
    );
    expect(where(p)).toEqual([
      'backend.yaml:14 selector-matches-nothing',
      'web.yaml:9 selector-matches-nothing',
    ]);
    expect(p.lint()).toBe(p.lint());
    // A pod with the misspelt label makes both selectors match something.
    p.run('kubectl run frontent -n web --image=nginx --labels=app=frontent');
    expect(where(p).filter((w) => w.endsWith('selector-matches-nothing'))).toEqual([]);
  });
});
