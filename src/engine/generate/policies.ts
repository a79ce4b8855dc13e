/**
 * Least-privilege CiliumNetworkPolicies from observed traffic: one policy per workload that
 * allows exactly the connections seen to and from it, and nothing else.
 *
 * How the policies are shaped (docs.cilium.io, Security > Network Policy > Layer 3/4/7 examples):
 * 1. Every workload gets both an `ingress` and an `egress` section, so both directions are
 *    isolated (default deny). A direction with no traffic seen gets one empty rule, `[{}]`: it
 *    switches default deny on and allows nothing (an empty list, `[]`, would leave it open).
 * 2. Pods are selected by their workload's identifying labels (`app.kubernetes.io/name`, `app`,
 *    `k8s-app`, `name`, then more until no other known workload in the namespace has them all);
 *    a peer in another namespace also gets `k8s:io.kubernetes.pod.namespace`.
 * 3. Host, remote nodes, the API server, health and ingress peers become `fromEntities` /
 *    `toEntities`; addresses outside the cluster become `/32` (or `/128`) CIDR rules, or, when
 *    the DNS proxy learned a name for them, `toFQDNs` with the names.
 * 4. `toFQDNs` only learns addresses from DNS answers the proxy sees, so a workload that uses it
 *    also gets a DNS rule (`rules.dns`) towards the DNS server it asked, listing the names it
 *    asked for (each exactly, search-list forms included: they were allowed traffic too).
 * 5. With HTTP seen on a port, that port's rule lists each method and path seen (`path` is a
 *    regular expression matched against the whole `:path`, query included, so it is escaped).
 * 6. Workloads in the skipped namespaces (kube-system by default) get no policy of their own;
 *    traffic to them is still allowed from the other side.
 */
import { stringify } from 'yaml';
import type { Cluster } from '../cluster/model.ts';
import { workloadOf } from '../cluster/workload.ts';
import type { Flow } from '../flows/model.ts';
import { isIdentityRelevant } from '../labels.ts';
import {
  connectionOf,
  type Connection,
  type Peer,
  type PeerContext,
  type PodPeer,
  type Protocol,
} from './connections.ts';

export interface GenerateOptions {
  /** HTTP rules for requests seen (default true). */
  l7?: boolean;
  /** `toFQDNs` for names the DNS proxy learned (default true); otherwise CIDRs. */
  fqdn?: boolean;
  /** Namespaces whose workloads get no policy (default `kube-system`). */
  skipNamespaces?: readonly string[];
  /** The cluster the flows came from: workloads with no traffic get deny-all policies too. */
  cluster?: Cluster;
}

export interface GenerateResult {
  /** The policies, as objects ready for YAML or JSON. */
  policies: Record<string, unknown>[];
  /** The policies as one multi-document YAML text. */
  yaml: string;
  /** How many distinct connections the flows showed. */
  connections: number;
  /** Things worth knowing about the result (selectors that could not be made unique, ...). */
  notes: string[];
}

const NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

/**
 * Labels never used to select: every label the engine leaves out of identities (a selector on one
 * would match no pod), and labels that differ pod by pod or are added by Kubernetes or Cilium.
 */
function volatileLabel(key: string): boolean {
  return (
    !isIdentityRelevant(key) ||
    key === 'io.kubernetes.pod.namespace' ||
    key.startsWith('io.cilium.') ||
    key === 'job-name' ||
    key.startsWith('batch.kubernetes.io/')
  );
}

const PREFERRED = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];
const REFINING = [
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'component',
  'tier',
  'role',
  'version',
];

interface WorkloadInfo {
  namespace: string;
  workload: string;
  /** Labels every pod seen of the workload has. */
  labels: Record<string, string>;
}

const workloadKey = (namespace: string, workload: string) => `${namespace}/${workload}`;

function intersect(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (b[k] === v) out[k] = v;
  return out;
}

function stable(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !volatileLabel(k)));
}

/** A selector the generator writes: labels that must match, label keys that must be absent. */
interface Selector {
  labels: Record<string, string>;
  absent: string[];
}

function selects(sel: Selector, labels: Record<string, string>): boolean {
  return (
    Object.entries(sel.labels).every(([k, v]) => labels[k] === v) &&
    sel.absent.every((k) => !(k in labels))
  );
}

/**
 * The smallest readable selector that picks this workload and no other in its namespace:
 * an identifying label, refined with more of its labels, then with `DoesNotExist` for labels
 * that only the look-alikes carry (a canary's `track`, say).
 */
function chooseSelector(
  w: WorkloadInfo,
  neighbours: readonly WorkloadInfo[],
): { selector: Selector; unique: boolean } {
  const labels = stable(w.labels);
  const others = neighbours.filter((o) => o !== w);
  const clashes = (sel: Selector) => others.filter((o) => selects(sel, o.labels));
  const sel: Selector = { labels: {}, absent: [] };
  const first = PREFERRED.find((k) => k in labels);
  if (first) {
    sel.labels[first] = labels[first]!;
    for (const k of REFINING) {
      if (clashes(sel).length === 0) break;
      if (k in labels) sel.labels[k] = labels[k]!;
    }
  }
  if (!first || clashes(sel).length > 0) sel.labels = { ...labels };
  for (const o of clashes(sel)) {
    const extra = Object.keys(stable(o.labels))
      .filter((k) => !(k in labels))
      .sort()[0];
    if (extra && !sel.absent.includes(extra)) sel.absent.push(extra);
  }
  sel.absent.sort();
  // Drop refining labels the result does not need.
  if (first && clashes(sel).length === 0)
    for (const k of Object.keys(sel.labels)) {
      if (k === first) continue;
      const { [k]: _dropped, ...rest } = sel.labels;
      const narrower = { labels: rest, absent: sel.absent };
      if (clashes(narrower).length === 0) sel.labels = rest;
    }
  return {
    selector: sel,
    unique: Object.keys(sel.labels).length > 0 && clashes(sel).length === 0,
  };
}

/** The selector as YAML wants it. */
function selectorYaml(sel: Selector, namespace?: string): Record<string, unknown> {
  const matchLabels = namespace ? { [NAMESPACE_LABEL]: namespace, ...sel.labels } : sel.labels;
  return sel.absent.length === 0
    ? { matchLabels }
    : {
        matchLabels,
        matchExpressions: sel.absent.map((key) => ({ key, operator: 'DoesNotExist' })),
      };
}

interface PortUse {
  port: number;
  protocol: Protocol;
  http: Set<string>;
  dns: Set<string>;
}

interface PeerRules {
  peer: Peer;
  ports: Map<string, PortUse>;
}

interface Sides {
  ingress: Map<string, PeerRules>;
  egress: Map<string, PeerRules>;
}

function peerKey(p: Peer, fqdn: boolean): string {
  switch (p.kind) {
    case 'pod':
      return `pod:${workloadKey(p.namespace, p.workload)}`;
    case 'entity':
      return `entity:${p.entity}`;
    case 'world':
      return fqdn && p.names.length > 0 ? `fqdn:${[...p.names].sort().join(',')}` : `cidr:${p.ip}`;
  }
}

function record(sides: Map<string, PeerRules>, key: string, peer: Peer, c: Connection): void {
  let rules = sides.get(key);
  if (!rules) {
    rules = { peer, ports: new Map() };
    sides.set(key, rules);
  }
  const portKey = `${c.port}/${c.protocol}`;
  let use = rules.ports.get(portKey);
  if (!use) {
    use = { port: c.port, protocol: c.protocol, http: new Set(), dns: new Set() };
    rules.ports.set(portKey, use);
  }
  if (c.http) use.http.add(`${c.http.method} ${c.http.path}`);
  if (c.dns) use.dns.add(c.dns);
}

/** RE2 syntax for a literal string. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const byKey = <T>(m: Map<string, T>) =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/** Builds least-privilege policies from flows. */
export function policiesFromFlows(
  flows: readonly Flow[],
  options: GenerateOptions = {},
): GenerateResult {
  const l7 = options.l7 ?? true;
  const fqdn = options.fqdn ?? true;
  const skip = new Set(options.skipNamespaces ?? ['kube-system']);
  const notes: string[] = [];

  // Workloads: from the cluster when given, then from the flows.
  const workloads = new Map<string, WorkloadInfo>();
  const podWorkload = new Map<string, string>();
  const addWorkload = (namespace: string, workload: string, labels: Record<string, string>) => {
    const key = workloadKey(namespace, workload);
    const w = workloads.get(key);
    if (w) w.labels = intersect(w.labels, labels);
    else workloads.set(key, { namespace, workload, labels: { ...labels } });
  };
  for (const pod of options.cluster?.pods ?? []) {
    if (pod.hostNetwork || !pod.ip) continue;
    const name = workloadOf(pod);
    podWorkload.set(`${pod.namespace}/${pod.name}`, name);
    addWorkload(pod.namespace, name, pod.labels);
  }
  const ctx: PeerContext = {
    workloadOf: (ns, pod) => podWorkload.get(`${ns}/${pod}`),
  };

  const seen = new Set<string>();
  const sides = new Map<string, Sides>();
  const sidesOf = (p: PodPeer) => {
    const key = workloadKey(p.namespace, p.workload);
    let s = sides.get(key);
    if (!s) {
      s = { ingress: new Map(), egress: new Map() };
      sides.set(key, s);
    }
    return s;
  };
  for (const f of flows) {
    const c = connectionOf(f, ctx);
    if (!c) continue;
    for (const p of [c.client, c.server])
      if (p.kind === 'pod' && !options.cluster) addWorkload(p.namespace, p.workload, p.labels);
    seen.add(
      `${peerKey(c.client, fqdn)}>${peerKey(c.server, fqdn)}:${c.port}/${c.protocol}:${c.http ? `${c.http.method} ${c.http.path}` : ''}:${c.dns ?? ''}`,
    );
    if (c.client.kind === 'pod')
      record(sidesOf(c.client).egress, peerKey(c.server, fqdn), c.server, c);
    if (c.server.kind === 'pod')
      record(sidesOf(c.server).ingress, peerKey(c.client, fqdn), c.client, c);
  }

  // Selectors, unique within each namespace where the labels allow.
  const selectors = new Map<string, Selector>();
  const byNamespace = new Map<string, WorkloadInfo[]>();
  for (const w of workloads.values())
    byNamespace.set(w.namespace, [...(byNamespace.get(w.namespace) ?? []), w]);
  for (const [key, w] of workloads) {
    const { selector, unique } = chooseSelector(w, byNamespace.get(w.namespace) ?? []);
    selectors.set(key, selector);
    if (!unique && !skip.has(w.namespace))
      notes.push(
        Object.keys(selector.labels).length === 0
          ? `${key} has no labels to select it by; its policy would select every pod in ${w.namespace}, so none was written`
          : `${key} cannot be told apart from another workload in ${w.namespace} by labels; their policies select each other's pods too`,
      );
  }

  const peerSelector = (p: PodPeer, policyNamespace: string): Record<string, unknown> => {
    const sel = selectors.get(workloadKey(p.namespace, p.workload)) ?? {
      labels: stable(p.labels),
      absent: [],
    };
    return selectorYaml(sel, p.namespace === policyNamespace ? undefined : p.namespace);
  };

  const toPorts = (rules: PeerRules, dnsNames: ReadonlySet<string>, http: boolean) => {
    const uses = byKey(rules.ports).sort(
      (a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1),
    );
    // Ports with the same L7 rules share one entry.
    const groups = new Map<string, { ports: PortUse[]; l7?: Record<string, unknown> }>();
    for (const u of uses) {
      let rulesL7: Record<string, unknown> | undefined;
      const names = new Set([...u.dns, ...(u.port === 53 && u.dns.size > 0 ? dnsNames : [])]);
      if (names.size > 0 && (l7 || fqdn))
        rulesL7 = { dns: [...names].sort().map((n) => ({ matchName: n })) };
      else if (http && l7 && u.http.size > 0 && u.protocol === 'TCP')
        rulesL7 = {
          http: [...u.http].sort().map((h) => {
            const sp = h.indexOf(' ');
            return { method: escapeRegex(h.slice(0, sp)), path: escapeRegex(h.slice(sp + 1)) };
          }),
        };
      const key = JSON.stringify(rulesL7 ?? null);
      const g = groups.get(key) ?? { ports: [] };
      g.ports.push(u);
      if (rulesL7) g.l7 = rulesL7;
      groups.set(key, g);
    }
    return [...groups.values()].map((g) => ({
      ports: g.ports.map((u) => ({ port: String(u.port), protocol: u.protocol })),
      ...(g.l7 ? { rules: g.l7 } : {}),
    }));
  };

  const peerRule = (
    dir: 'from' | 'to',
    p: Peer,
    policyNamespace: string,
  ): Record<string, unknown> => {
    switch (p.kind) {
      case 'pod':
        return { [`${dir}Endpoints`]: [peerSelector(p, policyNamespace)] };
      case 'entity':
        return { [`${dir}Entities`]: [p.entity] };
      case 'world':
        if (dir === 'to' && fqdn && p.names.length > 0)
          return { toFQDNs: [...p.names].sort().map((n) => ({ matchName: n })) };
        return { [`${dir}CIDR`]: [`${p.ip}/${p.ip.includes(':') ? 128 : 32}`] };
    }
  };

  const policies: Record<string, unknown>[] = [];
  const names = new Set<string>();
  for (const key of [...workloads.keys()].sort()) {
    const w = workloads.get(key)!;
    if (skip.has(w.namespace)) continue;
    const selector = selectors.get(key);
    if (!selector || Object.keys(selector.labels).length === 0) continue;
    const s = sides.get(key) ?? { ingress: new Map(), egress: new Map() };
    // Names this workload asked DNS for, and names it connected to: its DNS rule covers both.
    const dnsNames = new Set<string>();
    for (const r of s.egress.values()) {
      if (r.peer.kind === 'world' && fqdn) for (const n of r.peer.names) dnsNames.add(n);
      for (const u of r.ports.values()) for (const n of u.dns) dnsNames.add(n);
    }
    const hasDnsRule = [...s.egress.values()].some((r) =>
      [...r.ports.values()].some((u) => u.dns.size > 0),
    );
    if (
      fqdn &&
      !hasDnsRule &&
      [...s.egress.values()].some((r) => r.peer.kind === 'world' && r.peer.names.length > 0)
    )
      notes.push(
        `${key} connected to names the DNS proxy had learned, but no DNS request of it was in the flows; add a DNS rule towards kube-dns for the toFQDNs rules to work`,
      );
    const ingress = byKey(s.ingress).map((r) => ({
      ...peerRule('from', r.peer, w.namespace),
      toPorts: toPorts(r, dnsNames, true),
    }));
    // HTTP is filtered once, on the server's ingress; the client's egress lists HTTP rules only
    // when the server gets no policy here (outside the cluster, or in a skipped namespace).
    const egress = byKey(s.egress).map((r) => ({
      ...peerRule('to', r.peer, w.namespace),
      toPorts: toPorts(r, dnsNames, r.peer.kind !== 'pod' || skip.has(r.peer.namespace)),
    }));
    let name = `${w.workload}-from-flows`;
    for (let i = 2; names.has(`${w.namespace}/${name}`); i++)
      name = `${w.workload}-from-flows-${i}`;
    names.add(`${w.namespace}/${name}`);
    policies.push({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name, namespace: w.namespace },
      spec: {
        description: `Least privilege for ${key}, from observed traffic: ${ingress.length} ingress and ${egress.length} egress peers.`,
        endpointSelector: selectorYaml(selector),
        ingress: ingress.length > 0 ? ingress : [{}],
        egress: egress.length > 0 ? egress : [{}],
      },
    });
  }
  const header = `# Generated from ${seen.size} observed connection${seen.size === 1 ? '' : 's'}: each workload may reach and be reached by what was seen, nothing more.\n`;
  const yaml =
    policies.length === 0
      ? header
      : header + policies.map((p) => stringify(p, { lineWidth: 0 })).join('---\n');
  return { policies, yaml, connections: seen.size, notes };
}
