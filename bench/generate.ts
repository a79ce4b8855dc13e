/**
 * A deterministic synthetic cluster for benchmarks: namespaces, deployments, services and a mix
 * of NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, rendered as YAML
 * text so that parsing is measured too.
 */
import { seededRandom } from '../src/engine/hash.ts';
import type { SourceFile } from '../src/engine/types.ts';

/** Small seeded PRNG. */
export const rng = seededRandom;

export interface GenOptions {
  namespaces: number;
  deploymentsPerNamespace: number;
  replicas: number;
  policies: number;
  ports: number;
  nodes: number;
  /** CiliumNetworkPolicies with HTTP rules, or DNS rules plus toFQDNs, on top of `policies`. */
  l7Policies: number;
  seed: number;
}

export const FULL: GenOptions = {
  namespaces: 100,
  deploymentsPerNamespace: 5,
  replicas: 10,
  policies: 500,
  ports: 20,
  nodes: 40,
  l7Policies: 50,
  seed: 42,
};

/** The public names the DNS policies allow or not, and their addresses. */
export const PUBLIC_ZONE: Record<string, string[]> = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => [
    `svc-${i}.example${i % 4}.com`,
    [`203.0.${Math.floor(i / 200)}.${(i % 200) + 1}`],
  ]),
);

const TIERS = ['web', 'api', 'db', 'cache', 'worker'];
const TEAMS = ['red', 'blue', 'green', 'gold'];

export interface Generated {
  cluster: SourceFile;
  /** One policy file per namespace, plus one for clusterwide policies. */
  policyFiles: SourceFile[];
  portList: number[];
  /** Probes that exercise the L7 stage: HTTP requests, DNS queries and fqdn: connections. */
  l7Probes: {
    id: string;
    from: string;
    to: string;
    port: number;
    protocol?: 'UDP';
    http?: { method: string; path: string };
    dns?: { query: string };
  }[];
}

function selector(r: () => number, ns: string, nsCount: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const kind = r();
  if (kind < 0.4) return `{matchLabels: {tier: ${pick(TIERS)}}}`;
  if (kind < 0.6) return `{matchLabels: {team: ${pick(TEAMS)}, tier: ${pick(TIERS)}}}`;
  if (kind < 0.75)
    return `{matchExpressions: [{key: tier, operator: In, values: [${pick(TIERS)}, ${pick(TIERS)}]}]}`;
  if (kind < 0.9)
    return `{matchLabels: {k8s:io.kubernetes.pod.namespace: ns-${Math.floor(r() * nsCount)}, tier: ${pick(TIERS)}}}`;
  void ns;
  return '{}';
}

/** Generates the cluster and policies. */
export function generate(o: GenOptions): Generated {
  const r = rng(o.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const portList = Array.from({ length: o.ports }, (_, i) => 8000 + i * 7);
  const docs: string[] = [];
  for (let n = 0; n < o.nodes; n++) {
    docs.push(`apiVersion: v1
kind: Node
metadata:
  name: node-${n}
  labels: {kubernetes.io/hostname: node-${n}}
spec:
  podCIDR: 10.244.${n}.0/24
status:
  addresses: [{type: InternalIP, address: 172.18.${Math.floor(n / 200)}.${(n % 200) + 2}}]`);
  }
  for (let i = 0; i < o.namespaces; i++) {
    const ns = `ns-${i}`;
    docs.push(`apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels: {team: ${pick(TEAMS)}, env: ${r() < 0.5 ? 'prod' : 'dev'}}`);
    for (let d = 0; d < o.deploymentsPerNamespace; d++) {
      const tier = TIERS[d % TIERS.length]!;
      const p1 = pick(portList);
      let p2 = pick(portList);
      while (p2 === p1) p2 = pick(portList);
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${d}, namespace: ${ns}}
spec:
  replicas: ${o.replicas}
  selector: {matchLabels: {app: app-${d}}}
  template:
    metadata:
      labels: {app: app-${d}, tier: ${tier}, team: ${pick(TEAMS)}}
    spec:
      containers:
        - name: main
          image: example/app:1
          ports:
            - {name: http, containerPort: ${p1}}
            - {containerPort: ${p2}}`);
      docs.push(`apiVersion: v1
kind: Service
metadata: {name: app-${d}, namespace: ${ns}}
spec:
  selector: {app: app-${d}}
  ports: [{port: 80, targetPort: http}]`);
    }
  }
  const perFile = new Map<string, string[]>();
  const add = (file: string, doc: string) => {
    const list = perFile.get(file) ?? [];
    list.push(doc);
    perFile.set(file, list);
  };
  for (let k = 0; k < o.policies; k++) {
    const ns = `ns-${Math.floor(r() * o.namespaces)}`;
    const port = pick(portList);
    const kind = r();
    if (kind < 0.35) {
      add(
        `policies/${ns}.yaml`,
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: knp-${k}, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {tier: ${pick(TIERS)}}}
  policyTypes: [Ingress${r() < 0.3 ? ', Egress' : ''}]
  ingress:
    - from:
        - podSelector: {matchLabels: {tier: ${pick(TIERS)}}}
        - namespaceSelector: {matchLabels: {team: ${pick(TEAMS)}}}
          podSelector: {matchLabels: {tier: ${pick(TIERS)}}}
      ports: [{port: ${port}}, {port: ${port + 1}, endPort: ${port + 20}}]
  egress:
    - to: [{namespaceSelector: {}}]
      ports: [{port: 53, protocol: UDP}, {port: ${port}}]`,
      );
    } else if (kind < 0.85) {
      const deny = r() < 0.15;
      add(
        `policies/${ns}.yaml`,
        `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp-${k}, namespace: ${ns}}
spec:
  endpointSelector: ${selector(r, ns, o.namespaces)}
  ingress:
    - fromEndpoints: [${selector(r, ns, o.namespaces)}, ${selector(r, ns, o.namespaces)}]
      toPorts: [{ports: [{port: "${port}", protocol: TCP}, {port: "http"}]}]
    - fromEntities: [cluster]
      toPorts: [{ports: [{port: "${pick(portList)}"}]}]
  egress:
    - toEndpoints: [${selector(r, ns, o.namespaces)}]
    - toEntities: [world]
      toPorts: [{ports: [{port: "443"}]}]${
        deny
          ? `
  ingressDeny:
    - fromEndpoints: [{matchLabels: {tier: ${pick(TIERS)}}}]
      toPorts: [{ports: [{port: "${pick(portList)}"}]}]`
          : ''
      }`,
      );
    } else {
      add(
        'policies/clusterwide.yaml',
        `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: ccnp-${k}}
spec:
  endpointSelector: {matchLabels: {tier: ${pick(TIERS)}, team: ${pick(TEAMS)}}}
  ingress:
    - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.env: ${r() < 0.5 ? 'prod' : 'dev'}}}]
      toPorts: [{ports: [{port: "${port}"}]}]
  egressDeny:
    - toEndpoints: [{matchLabels: {tier: ${pick(TIERS)}}}]
      toPorts: [{ports: [{port: "${pick(portList)}"}]}]`,
      );
    }
  }
  const l7Probes: Generated['l7Probes'] = [];
  for (let k = 0; k < o.l7Policies; k++) {
    const ns = `ns-${Math.floor(r() * o.namespaces)}`;
    const d = Math.floor(r() * o.deploymentsPerNamespace);
    if (k % 2 === 0) {
      // HTTP rules on the pods' named port, for a few callers.
      add(
        `policies/${ns}.yaml`,
        `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7-http-${k}, namespace: ${ns}}
spec:
  endpointSelector: {matchLabels: {app: app-${d}}}
  ingress:
    - fromEndpoints: [${selector(r, ns, o.namespaces)}, {matchLabels: {tier: ${pick(TIERS)}}}]
      toPorts:
        - ports: [{port: "http", protocol: TCP}]
          rules:
            http:
              - {method: "GET|HEAD", path: "/api/v[0-9]+/items(/[0-9]+)?"}
              - {method: POST, path: "/api/v1/orders", headers: ["X-Tenant: t${k}"]}
              - {method: GET, path: "/healthz"}`,
      );
    } else {
      // DNS through the proxy for some names, and toFQDNs for a subset of them.
      const zone = k % 4;
      add(
        `policies/${ns}.yaml`,
        `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7-dns-${k}, namespace: ${ns}}
spec:
  endpointSelector: {matchLabels: {app: app-${d}}}
  egress:
    - toEndpoints:
        - matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
      toPorts:
        - ports: [{port: "53", protocol: ANY}]
          rules:
            dns:
              - matchPattern: "*.example${zone}.com"
              - matchName: "svc-${k % 40}.example${(zone + 1) % 4}.com"
    - toFQDNs:
        - matchPattern: "svc-*.example${zone}.com"
      toPorts: [{ports: [{port: "443"}]}]`,
      );
    }
  }
  for (let k = 0; k < 2000; k++) {
    const from = `ns-${Math.floor(r() * o.namespaces)}/app-${Math.floor(r() * o.deploymentsPerNamespace)}`;
    const kind = k % 3;
    if (kind === 0)
      l7Probes.push({
        id: `http-${k}`,
        from,
        to: `svc:ns-${Math.floor(r() * o.namespaces)}/app-${Math.floor(r() * o.deploymentsPerNamespace)}`,
        port: 80,
        http: {
          method: pick(['GET', 'POST', 'PUT']),
          path: pick(['/api/v1/items/7', '/api/v1/orders', '/healthz', '/admin']),
        },
      });
    else if (kind === 1)
      l7Probes.push({
        id: `dns-${k}`,
        from,
        to: 'svc:kube-system/kube-dns',
        port: 53,
        protocol: 'UDP',
        dns: { query: pick(Object.keys(PUBLIC_ZONE)) },
      });
    else
      l7Probes.push({
        id: `fqdn-${k}`,
        from,
        to: `fqdn:${pick(Object.keys(PUBLIC_ZONE))}`,
        port: 443,
      });
  }
  return {
    l7Probes,
    cluster: { name: 'cluster.yaml', text: docs.join('\n---\n') + '\n' },
    policyFiles: [...perFile.entries()]
      .sort()
      .map(([name, list]) => ({ name, text: list.join('\n---\n') + '\n' })),
    portList,
  };
}
