/** The flow graph's data: observed edges from Hubble's buffer, possible edges from the matrix. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { GraphBuilder, workloadOf } from './graph.ts';
import { TerminalSession } from './session.ts';
import { SimWorld } from './world.ts';
import type { Pod } from '../engine/cluster/model.ts';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

function flask() {
  const world = new SimWorld({
    files: [{ name: 'cluster.yaml', text: read('examples/flask-postgres/cluster.yaml') }],
  });
  world.workspace.set('lock-db.yaml', read('examples/flask-postgres/lock-db.yaml'));
  world.workspace.set(
    'l7.yaml',
    read('src/sim/fixtures/articles/003-flask-postgres/flask-cnp-l7.yaml'),
  );
  return { world, session: new TerminalSession(world), graph: new GraphBuilder() };
}

const pod = (owner?: Pod['owner'], name = 'p'): Pod =>
  ({ name, namespace: 'n', owner }) as unknown as Pod;

describe('workloads', () => {
  test.each([
    [pod({ kind: 'ReplicaSet', name: 'web-7d4b9c8f6d' }), 'web'],
    [pod({ kind: 'StatefulSet', name: 'postgres' }), 'postgres'],
    [pod({ kind: 'DaemonSet', name: 'agent' }), 'agent'],
    [pod(undefined, 'debug'), 'debug'],
  ])('%#: %s', (p, want) => {
    expect(workloadOf(p)).toBe(want);
  });
});

describe('graph data', () => {
  test('nodes are workloads in namespaces; possible edges follow the policies and flip', () => {
    const { world, session, graph } = flask();
    const before = graph.build(world);
    const ids = before.nodes.map((n) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'workload:db/flask-app',
        'workload:db/postgres',
        'workload:dummy/debug',
      ]),
    );
    expect(before.nodes.find((n) => n.id === 'workload:db/flask-app')?.pods).toHaveLength(3);
    const edge = (g: typeof before) =>
      g.edges.find((e) => e.id === 'workload:dummy/debug|workload:db/postgres|5432/TCP|possible');
    expect(edge(before)?.verdict).toBe('allowed');
    expect(edge(before)?.flipped).toBe(false);

    session.run('kubectl apply -f lock-db.yaml');
    const after = graph.build(world);
    expect(after.version).toBe(before.version + 1);
    expect(edge(after)?.verdict).toBe('denied');
    expect(edge(after)?.flipped).toBe(true);
    // Unchanged policies: same version, nothing flipped any more than before.
    expect(graph.build(world).version).toBe(after.version);
  });

  test('changes list what the last change turned around: workload pairs and requests tried', () => {
    const { world, session, graph } = flask();
    session.run('kubectl apply -f l7.yaml -n db');
    session.run('kubectl exec debug -n dummy -- curl -s http://flask-app-service.db/');
    session.run('kubectl exec debug -n dummy -- curl -s http://flask-app-service.db/metrics');
    const first = graph.build(world);
    expect(first.changes).toEqual([]);
    // Allow /metrics as well: the request tried before is now allowed; nothing else moved.
    const widened = read('src/sim/fixtures/articles/003-flask-postgres/flask-cnp-l7.yaml').replace(
      '                path: /\n',
      '                path: /\n              - method: GET\n                path: /metrics\n',
    );
    world.workspace.set('l7-wider.yaml', widened);
    session.run('kubectl apply -f l7-wider.yaml -n db');
    const g = graph.build(world);
    expect(g.changes).toEqual([
      {
        from: 'workload:dummy/debug',
        to: 'workload:db/flask-app',
        port: 5000,
        protocol: 'TCP',
        l7: 'GET /metrics',
        before: 'denied',
        after: 'allowed',
        edge: 'workload:dummy/debug|workload:db/flask-app|5000/TCP|observed',
      },
    ]);
    expect(g.edges.find((e) => e.id === g.changes[0]!.edge)?.flipped).toBe(true);
    // Locking the database down turns pairs around on its port, listed after newly allowed ones.
    session.run('kubectl apply -f lock-db.yaml');
    const locked = graph.build(world);
    expect(locked.changes.length).toBeGreaterThan(0);
    expect(locked.changes.every((c) => c.after === 'denied' && c.port === 5432)).toBe(true);
    expect(locked.changes.map((c) => c.from)).toContain('workload:dummy/debug');
  });

  test('observed edges carry the newest outcome and L7 summaries', () => {
    const { world, session, graph } = flask();
    session.run('kubectl apply -f l7.yaml -n db');
    session.run('kubectl exec debug -n dummy -- curl -s http://flask-app-service.db/metrics');
    let g = graph.build(world);
    const http = g.edges.find(
      (e) =>
        e.source === 'observed' &&
        e.from === 'workload:dummy/debug' &&
        e.to === 'workload:db/flask-app',
    );
    expect(http?.verdict).toBe('l7-denied');
    expect(http?.l7[0]).toBe('GET /metrics 403');
    expect(http?.policies).toContain('CiliumNetworkPolicy db/l7-rule');

    session.run('kubectl exec debug -n dummy -- curl -s http://flask-app-service.db/');
    g = graph.build(world);
    const again = g.edges.find((e) => e.id === http?.id);
    expect(again?.verdict).toBe('allowed');
    expect(again?.count).toBe(2);
    expect(again?.l7.slice(0, 2)).toEqual(['GET / 200', 'GET /metrics 403']);

    session.run('kubectl apply -f lock-db.yaml');
    session.run('kubectl exec debug -n dummy -- nc -z -w 1 mydb-service.db 5432');
    g = graph.build(world);
    const dropped = g.edges.find(
      (e) => e.source === 'observed' && e.to === 'workload:db/postgres' && e.port === 5432,
    );
    expect(dropped?.verdict).toBe('denied');
    expect(g.flows.at(-1)?.verdict).toMatch(/DROPPED|DENIED/);
  });

  test('flow rows keep their key and array while the buffer stays; edges are fresh copies', () => {
    const { world, session, graph } = flask();
    session.run('kubectl apply -f l7.yaml -n db');
    session.run('kubectl exec debug -n dummy -- curl -s http://flask-app-service.db/metrics');
    const a = graph.build(world);
    // A policy change (and a cluster-wide one) leaves the buffer alone: same rows, same key.
    session.run('kubectl apply -f lock-db.yaml');
    const b = graph.build(world);
    expect(b.flowsKey).toBe(a.flowsKey);
    expect(b.flows).toBe(a.flows);
    // What one build's caller does to its edges and nodes does not reach the next build.
    const observed = b.edges.find((e) => e.source === 'observed')!;
    observed.verdict = 'denied';
    observed.flipped = true;
    b.nodes[0]!.pods.push('x/y');
    const c = graph.build(world);
    expect(c.edges.find((e) => e.id === observed.id)).toMatchObject({
      verdict: 'l7-denied',
      flipped: false,
    });
    expect(c.nodes[0]!.pods).not.toContain('x/y');
    // New flows: new rows under a new key; another builder never uses the same keys.
    session.run('kubectl exec debug -n dummy -- curl -s http://flask-app-service.db/');
    const d = graph.build(world);
    expect(d.flowsKey).not.toBe(a.flowsKey);
    expect(d.flows.length).toBeGreaterThan(a.flows.length);
    expect(new GraphBuilder().build(world).flowsKey).not.toBe(d.flowsKey);
  });

  test('DNS answers and refusals show on the edge to kube-dns', () => {
    const world = new SimWorld({
      files: [{ name: 'c.yaml', text: read('examples/l7-shop/cluster.yaml') }],
      zone: { 'api.github.com': ['140.82.112.6'], 'example.com': ['93.184.215.14'] },
    });
    world.probe({
      id: 'a',
      from: 'shop/netperf',
      to: 'svc:kube-system/kube-dns',
      port: 53,
      protocol: 'UDP',
      dns: { query: 'example.com' },
    });
    const g = new GraphBuilder().build(world);
    const dns = g.edges.find((e) => e.source === 'observed' && e.port === 53);
    expect(dns?.to.startsWith('workload:kube-system/coredns')).toBe(true);
    expect(dns?.l7[0]).toBe('DNS A example.com. REFUSED');
  });
});

describe('the application answers', () => {
  test('a request the proxy lets through carries the app status (404) into Hubble and the graph', () => {
    const { world, session, graph } = flask();
    world.setFile(
      'visibility.yaml',
      `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: see-http, namespace: db}
spec:
  endpointSelector: {matchLabels: {app: flask-app}}
  ingress:
    - toPorts:
        - ports: [{port: "5000", protocol: TCP}]
          rules: {http: [{}]}
`,
    );
    const code = session.run(
      `kubectl exec debug -n db -- curl -s -o /dev/null -w '%{http_code}' http://flask-app-service/nope`,
    );
    expect(code.out.map((c) => c.text).join('')).toBe('404');
    const seen = session
      .run('hubble observe -t l7 --last 1')
      .out.map((c) => c.text)
      .join('');
    expect(seen).toContain('http-response FORWARDED (HTTP/1.1 404');
    const edge = graph.build(world).edges.find((e) => e.source === 'observed' && e.port === 5000);
    expect(edge?.l7[0]).toBe('GET /nope 404');
  });
});
