import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimWorld } from '../sim/world.ts';
import type { LoadRequest } from './api.ts';
import { completeLine } from './complete.ts';
import { Playground } from './playground.ts';

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
    const steps = [
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
    const steps = [
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
  const exported = JSON.stringify({
    flow: {
      time: '2026-05-04T10:00:00Z',
      verdict: 'FORWARDED',
      IP: { source: '10.0.1.5', destination: '10.0.2.9', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 51234, destination_port: 8080, flags: { SYN: true } } },
      source: {
        identity: 31337,
        namespace: 'prod',
        labels: ['k8s:app=checkout', 'k8s:io.kubernetes.pod.namespace=prod'],
        pod_name: 'checkout-7d9f8b6c5d-x2x9q',
        workloads: [{ name: 'checkout', kind: 'Deployment' }],
      },
      destination: {
        identity: 4242,
        namespace: 'prod',
        labels: ['k8s:app=payments'],
        pod_name: 'payments-0',
      },
      Type: 'L3_L4',
      is_reply: false,
      Summary: 'TCP Flags: SYN',
    },
  });

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
    expect(graph.flows.at(-1)).toMatchObject({
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
