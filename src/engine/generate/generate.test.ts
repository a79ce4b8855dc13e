/**
 * Policies generated from flows, judged by the engine itself: loaded with the cluster (and
 * without the visibility policy that let the traffic be seen), they must allow every connection
 * and request that was seen, and deny every other pod-to-pod connection on a declared port,
 * every request not seen, and every name not looked up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { workloadFromPodName } from '../cluster/workload.ts';
import { Engine } from '../engine.ts';
import type { Probe } from '../evaluate/probe.ts';
import { SimWorld } from '../../sim/world.ts';
import { formatJson } from '../flows/json.ts';
import { readHubbleJson } from '../flows/import.ts';
import { connectionOf } from './connections.ts';
import { escapeRegex, policiesFromFlows } from './policies.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const CLUSTER = fixture('shop.yaml');
const ZONE = { 'api.github.com': ['140.82.112.6'], 'www.github.com': ['140.82.112.3'] };

/** A world that lets everything through while its proxies look, and the pods by workload. */
function observedWorld() {
  const world = new SimWorld({
    files: [
      { name: 'shop.yaml', text: CLUSTER },
      { name: 'visibility.yaml', text: fixture('visibility.yaml') },
    ],
    zone: ZONE,
  });
  /** The first pod of a workload (`shop/web`): its name is the workload's plus suffixes. */
  const pod = (workload: string) =>
    world.engine.cluster.pods
      .map((p) => `${p.namespace}/${p.name}`)
      .filter((p) => p.startsWith(`${workload}-`) && !/-canary-/.test(p.slice(workload.length)))
      .sort()[0]!;
  return { world, pod };
}

function seenTraffic(pod: (workload: string) => string): Probe[] {
  const web = pod('shop/web');
  const apiPod = pod('shop/api');
  return [
    {
      id: 'client-web',
      from: 'shop/client',
      to: 'svc:shop/web',
      port: 80,
      http: { method: 'GET', path: '/' },
    },
    {
      id: 'client-web-query',
      from: 'shop/client',
      to: web,
      port: 80,
      http: { method: 'GET', path: '/api/items?limit=5' },
    },
    {
      id: 'web-api',
      from: web,
      to: apiPod,
      port: 8080,
      http: { method: 'POST', path: '/v1/orders' },
    },
    { id: 'api-db', from: apiPod, to: 'shop/db-0', port: 5432 },
    {
      id: 'scrape',
      from: 'monitoring/prometheus',
      to: apiPod,
      port: 8080,
      http: { method: 'GET', path: '/metrics' },
    },
    { id: 'netperf-github', from: 'shop/netperf', to: 'fqdn:api.github.com', port: 443 },
    { id: 'client-world', from: 'shop/client', to: 'ip:1.1.1.1', port: 443 },
  ];
}

function generated() {
  const { world, pod } = observedWorld();
  const probes = seenTraffic(pod);
  for (const p of probes) expect(world.probe(p).result.verdict, p.id).toBe('allowed');
  const flows = world.flows.all().map((x) => x.flow);
  const result = policiesFromFlows(flows, { cluster: world.engine.cluster });
  const engine = new Engine();
  engine.publicZone = ZONE;
  engine.load([
    { name: 'shop.yaml', text: CLUSTER },
    { name: 'generated.yaml', text: result.yaml },
  ]);
  return { engine, probes, pod, result, flows };
}

describe('policies from flows', () => {
  const { engine, probes, pod, result, flows } = generated();

  test('the generated YAML loads without problems', () => {
    expect(engine.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(engine.policies.length).toBe(result.policies.length);
    expect(result.notes).toEqual([]);
  });

  test.each(probes.map((p) => [p.id, p] as const))('%s, seen, is still allowed', (_, p) => {
    const r = engine.probe(p);
    expect(r.verdict, r.reason).toBe('allowed');
  });

  const web = pod('shop/web');
  const api = pod('shop/api');
  test.each<[string, Probe]>([
    [
      'a method not seen',
      { id: 'x', from: 'shop/client', to: web, port: 80, http: { method: 'POST', path: '/' } },
    ],
    [
      'a path not seen',
      { id: 'x', from: 'shop/client', to: web, port: 80, http: { method: 'GET', path: '/admin' } },
    ],
    [
      'the seen path with another query',
      {
        id: 'x',
        from: 'shop/client',
        to: web,
        port: 80,
        http: { method: 'GET', path: '/api/items?limit=500' },
      },
    ],
    [
      "a request seen from another client's",
      {
        id: 'x',
        from: 'monitoring/prometheus',
        to: api,
        port: 8080,
        http: { method: 'POST', path: '/v1/orders' },
      },
    ],
    [
      'a name not looked up',
      { id: 'x', from: 'shop/netperf', to: 'fqdn:www.github.com', port: 443 },
    ],
    ['another outside address', { id: 'x', from: 'shop/client', to: 'ip:8.8.8.8', port: 443 }],
    [
      'the seen address from another pod',
      { id: 'x', from: 'shop/netperf', to: 'ip:1.1.1.1', port: 443 },
    ],
    [
      'the canary, which looks like api',
      {
        id: 'x',
        from: web,
        to: pod('shop/api-canary'),
        port: 8080,
        http: { path: '/v1/orders', method: 'POST' },
      },
    ],
  ])('%s is denied', (_, p) => {
    const r = engine.probe(p);
    expect(r.verdict, r.reason).toBe('denied');
  });

  test('every other pod-to-pod connection on a declared port is denied', () => {
    const seen = new Set(
      flows
        .map((f) => connectionOf(f))
        .filter((c) => c && c.client.kind === 'pod' && c.server.kind === 'pod')
        .map((c) => `${flowPod(c!.client)}>${flowPod(c!.server)}:${c!.port}/${c!.protocol}`),
    );
    const matrix = engine.matrix();
    const pods = engine.cluster.pods.filter((p) => p.namespace !== 'kube-system');
    let denied = 0;
    const wrong: string[] = [];
    for (const src of pods)
      for (const dst of pods)
        for (const cp of dst.ports) {
          if (src === dst) continue;
          const key = `${src.namespace}/${workloadFromPodName(src.name)}>${dst.namespace}/${workloadFromPodName(dst.name)}:${cp.port}/${cp.protocol}`;
          const allowed = matrix.allowed(src, dst, cp.port, cp.protocol);
          if (seen.has(key)) continue;
          if (allowed) wrong.push(key);
          else denied++;
        }
    expect(wrong).toEqual([]);
    expect(denied).toBeGreaterThan(20);
  });

  test('the same flows, exported as hubble observe -o json and read back, give the same policies', () => {
    const text = flows.map(formatJson).join('\n');
    const read = readHubbleJson(text);
    expect(read.problems).toEqual([]);
    const again = policiesFromFlows(read.flows, { cluster: engine.cluster });
    expect(again.yaml).toBe(result.yaml);
  });

  test('the YAML is one document per policy, stable and sorted', () => {
    const docs = result.yaml
      .split('\n---\n')
      .map((d) => parse(d) as { metadata: { name: string } });
    expect(docs.map((d) => d.metadata.name)).toEqual([
      'prometheus-from-flows',
      'api-from-flows',
      'api-canary-from-flows',
      'client-from-flows',
      'db-from-flows',
      'netperf-from-flows',
      'web-from-flows',
    ]);
    expect(policiesFromFlows(flows, { cluster: engine.cluster }).yaml).toBe(result.yaml);
  });
});

function flowPod(p: { kind: string; namespace?: string; workload?: string }): string {
  return `${p.namespace}/${p.workload}`;
}

describe('without the cluster (an import from elsewhere)', () => {
  test('workloads come from pod names and labels; the namespace label marks other namespaces', () => {
    const { world, pod } = observedWorld();
    for (const p of seenTraffic(pod)) world.probe(p);
    const r = policiesFromFlows(world.flows.all().map((x) => x.flow));
    const names = r.policies.map((p) => (p['metadata'] as { name: string }).name);
    expect(names).toContain('web-from-flows');
    expect(names).toContain('db-from-flows');
    expect(r.yaml).toContain('k8s:io.kubernetes.pod.namespace: monitoring');
    // Without the cluster, workloads that sent and received nothing are unknown.
    expect(names).not.toContain('api-canary-from-flows');
  });

  test('options: no L7 rules, CIDRs instead of names, kube-system included', () => {
    const { world, pod } = observedWorld();
    for (const p of seenTraffic(pod)) world.probe(p);
    const r = policiesFromFlows(
      world.flows.all().map((x) => x.flow),
      { l7: false, fqdn: false, skipNamespaces: [], cluster: world.engine.cluster },
    );
    expect(r.yaml).not.toContain('http:');
    expect(r.yaml).not.toContain('toFQDNs');
    expect(r.yaml).toContain('140.82.112.6/32');
    expect(r.yaml).toContain('namespace: kube-system');
  });
});

describe('selector labels', () => {
  test('a label no identity carries is never selected on, and the pod is still selected', () => {
    // No app or name label: the selector falls back to every stable label of the pod, and
    // kubernetes.io/os is one the engine leaves out of identities.
    const cluster = [
      'apiVersion: v1',
      'kind: Pod',
      "metadata: {name: worker, namespace: jobs, labels: {tier: batch, 'kubernetes.io/os': linux}}",
      'spec: {containers: [{name: w, image: busybox, ports: [{containerPort: 80}]}]}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: client, namespace: kube-system, labels: {app: client}}',
      'spec: {containers: [{name: c, image: curl}]}',
      '',
    ].join('\n');
    const files = [{ name: 'cluster.yaml', text: cluster }];
    const before = new Engine();
    before.load(files);
    const result = policiesFromFlows([], { cluster: before.cluster });
    const policy = result.policies.find(
      (p) => (p['metadata'] as { name: string }).name === 'worker-from-flows',
    );
    const spec = policy?.['spec'] as { endpointSelector: { matchLabels: Record<string, string> } };
    expect(spec.endpointSelector.matchLabels).toEqual({ tier: 'batch' });
    const engine = new Engine();
    engine.load([...files, { name: 'generated.yaml', text: result.yaml }]);
    expect(engine.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The client is in kube-system, which gets no policy: only the worker's ingress can deny.
    const r = engine.probe({ id: 'x', from: 'kube-system/client', to: 'jobs/worker', port: 80 });
    expect(r.verdict, r.reason).toBe('denied');
    expect(r.ingress?.allowed).toBe(false);
  });
});

describe('escapeRegex', () => {
  test.each([
    ['/', '/'],
    ['/a.b', '/a\\.b'],
    ['/x?y=1&z=(2)', '/x\\?y=1&z=\\(2\\)'],
    ['/[a]{1}*+|^$\\', '/\\[a\\]\\{1\\}\\*\\+\\|\\^\\$\\\\'],
  ])('%s → %s', (text, want) => expect(escapeRegex(text)).toBe(want));
});
