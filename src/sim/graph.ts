/**
 * Builds the flow graph's data from the simulated world: observed edges from Hubble's flow
 * buffer (what traffic actually did, newest outcome first), possible edges from the engine's
 * matrix (what policy allows on every declared port, before anyone tries), and the flow table.
 *
 * A `GraphBuilder` remembers the possible verdicts of its previous build, so edges whose verdict
 * changed with the last edit are marked `flipped`.
 */
import type { Pod } from '../engine/cluster/model.ts';
import { workloadFromPodName, workloadOf } from '../engine/cluster/workload.ts';

export { workloadOf };
import { flowSummary } from '../engine/flows/summary.ts';
import { flowType, verdictText } from '../engine/flows/compact.ts';
import { flowEnds } from '../engine/flows/ends.ts';
import type { Flow, FlowEndpoint, FlowPolicy } from '../engine/flows/model.ts';
import type { Policy } from '../engine/policy/model.ts';
import type { Probe } from '../engine/evaluate/probe.ts';
import type {
  EdgeVerdict,
  FlowRow,
  GraphChange,
  GraphData,
  GraphEdge,
  GraphNode,
  GraphNodeKind,
} from './graph-types.ts';
import { Memo } from './memo.ts';
import type { SimWorld } from './world.ts';

/** How many flows the table gets (newest). */
export const FLOW_ROWS = 500;
/** How many L7 summaries an edge keeps. */
const L7_PER_EDGE = 3;
/** How many distinct requests seen in the terminal are decided again after each change. */
const TRACKED_REQUESTS = 50;

/** A request seen in the flow log, kept to be decided again when policies change. */
interface TrackedRequest {
  probe: Probe;
  label: string;
  from: string;
  to: string;
  port: number;
  protocol: GraphEdge['protocol'];
  verdict: 'allowed' | 'denied';
}

/** The request an L7 flow record shows, as a probe the engine can decide again. */
function requestOf(f: Flow): { probe: Probe; label: string } | null {
  const l7 = f.l7;
  if (!l7 || l7.type !== 'REQUEST' || f.is_reply === true) return null;
  const src = f.source;
  const dst = f.destination;
  if (!src.pod_name || !src.namespace || !dst.pod_name || !dst.namespace) return null;
  const p = flowEnds(f);
  if (!p) return null;
  const from = `${src.namespace}/${src.pod_name}`;
  const to = `${dst.namespace}/${dst.pod_name}`;
  if (l7.http) {
    const m = /^[a-z]+:\/\/([^/?#]*)([^#]*)/i.exec(l7.http.url);
    const host = m?.[1] ?? '';
    const path = m?.[2] || '/';
    const headers = Object.fromEntries((l7.http.headers ?? []).map((h) => [h.key, h.value]));
    return {
      probe: {
        id: 'tracked',
        from,
        to,
        port: p.port,
        protocol: p.protocol,
        http: { method: l7.http.method, path, host, headers },
      },
      label: `${l7.http.method} ${path}`,
    };
  }
  if (l7.dns) {
    const query = l7.dns.query.replace(/\.$/, '');
    return {
      probe: { id: 'tracked', from, to, port: p.port, protocol: p.protocol, dns: { query } },
      label: `DNS ${query}`,
    };
  }
  return null;
}

interface NodeIndex {
  nodes: Map<string, GraphNode>;
  byPod: Map<string, string>;
}

/** A copy of an index that can be added to without changing the original. */
function copyIndex(ix: NodeIndex): NodeIndex {
  const nodes = new Map<string, GraphNode>();
  for (const [id, n] of ix.nodes)
    nodes.set(id, { ...n, pods: [...n.pods], labels: { ...n.labels } });
  return { nodes, byPod: new Map(ix.byPod) };
}

function nodeIndex(world: SimWorld): NodeIndex {
  const nodes = new Map<string, GraphNode>();
  const byPod = new Map<string, string>();
  for (const pod of world.engine.cluster.pods) {
    if (pod.hostNetwork || !pod.ip) continue;
    const name = workloadOf(pod);
    const id = `workload:${pod.namespace}/${name}`;
    const kind: GraphNodeKind = pod.labels['k8s-app'] === 'kube-dns' ? 'kube-dns' : 'workload';
    const node = nodes.get(id);
    if (node) {
      node.pods.push(`${pod.namespace}/${pod.name}`);
      for (const [k, v] of Object.entries(node.labels))
        if (pod.labels[k] !== v) delete node.labels[k];
    } else
      nodes.set(id, {
        id,
        kind,
        namespace: pod.namespace,
        label: name,
        pods: [`${pod.namespace}/${pod.name}`],
        labels: { ...pod.labels },
      });
    byPod.set(`${pod.namespace}/${pod.name}`, id);
  }
  return { nodes, byPod };
}

/** The node for a pod known only from a flow: its workload as Hubble names it, or its name. */
function importedPodNode(ix: NodeIndex, ep: FlowEndpoint, pod: string): string {
  const name = ep.workloads?.[0]?.name ?? workloadFromPodName(ep.pod_name!);
  const id = `workload:${ep.namespace}/${name}`;
  const labels: Record<string, string> = {};
  for (const l of ep.labels) {
    const m = /^k8s:([^=]+)=(.*)$/.exec(l);
    if (m && !m[1]!.startsWith('io.cilium.') && m[1] !== 'io.kubernetes.pod.namespace')
      labels[m[1]!] = m[2]!;
  }
  const node = ix.nodes.get(id);
  if (!node)
    ix.nodes.set(id, {
      id,
      kind: labels['k8s-app'] === 'kube-dns' ? 'kube-dns' : 'workload',
      namespace: ep.namespace!,
      label: name,
      pods: [pod],
      labels,
    });
  else if (!node.pods.includes(pod)) {
    node.pods.push(pod);
    for (const [k, v] of Object.entries(node.labels)) if (labels[k] !== v) delete node.labels[k];
  }
  ix.byPod.set(pod, id);
  return id;
}

const RESERVED_NODES: Record<number, { id: string; kind: GraphNodeKind; label: string }> = {
  1: { id: 'host', kind: 'host', label: 'host' },
  6: { id: 'remote-node', kind: 'remote-node', label: 'remote-node' },
  7: { id: 'kube-apiserver', kind: 'host', label: 'kube-apiserver' },
};

/** The node a flow endpoint stands for, adding world/host/FQDN nodes as they appear. */
function nodeOf(ix: NodeIndex, ep: FlowEndpoint, names: string[] | undefined): string {
  if (ep.pod_name && ep.namespace) {
    const pod = `${ep.namespace}/${ep.pod_name}`;
    const id = ix.byPod.get(pod);
    if (id) return id;
    // A pod the simulated cluster does not have: flows imported from a real cluster.
    return importedPodNode(ix, ep, pod);
  }
  const reserved = RESERVED_NODES[ep.identity];
  const spec = reserved
    ? reserved
    : names && names.length > 0
      ? { id: `fqdn:${names[0]}`, kind: 'fqdn' as const, label: names[0]! }
      : { id: 'world', kind: 'world' as const, label: 'world' };
  if (!ix.nodes.has(spec.id))
    ix.nodes.set(spec.id, {
      id: spec.id,
      kind: spec.kind,
      label: spec.label,
      pods: [],
      labels: {},
    });
  return spec.id;
}

function policyNames(list: readonly FlowPolicy[] | undefined): string[] {
  return (list ?? []).map((p) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`);
}

function flowPolicies(f: Flow): string[] {
  return [
    ...policyNames(f.egress_allowed_by),
    ...policyNames(f.ingress_allowed_by),
    ...policyNames(f.egress_denied_by),
    ...policyNames(f.ingress_denied_by),
  ];
}

/** An L7 summary for the edge: `GET /metrics 403`, `DNS A twitter.com. REFUSED`. */
function l7Label(f: Flow): string | null {
  const l7 = f.l7;
  if (!l7) return null;
  if (l7.http && l7.type === 'RESPONSE') {
    let path = l7.http.url;
    const m = /^[a-z]+:\/\/[^/]*(\/.*)?$/.exec(path);
    if (m) path = m[1] ?? '/';
    return `${l7.http.method} ${path} ${l7.http.code ?? ''}`.trim();
  }
  if (l7.dns) {
    if (l7.type === 'REQUEST' && f.verdict === 'DROPPED')
      return `DNS ${l7.dns.qtypes.join(',')} ${l7.dns.query} REFUSED`;
    if (l7.type === 'RESPONSE') {
      const rcode = l7.dns.rcode ?? 0;
      const text =
        rcode === 0
          ? (l7.dns.ips ?? []).join(',') || 'NOERROR'
          : rcode === 3
            ? 'NXDOMAIN'
            : `rcode ${rcode}`;
      return `DNS ${l7.dns.qtypes.join(',')} ${l7.dns.query} ${text}`;
    }
  }
  if (l7.kafka && l7.type === 'RESPONSE')
    return `Kafka ${l7.kafka.api_key}${l7.kafka.topic ? ` ${l7.kafka.topic}` : ''} ${l7.kafka.error_code ? `error ${l7.kafka.error_code}` : 'ok'}`;
  return null;
}

/** What one flow says about its connection's fate. */
function verdictOf(f: Flow): EdgeVerdict | null {
  if (f.l7) {
    if (f.l7.type === 'REQUEST' && f.verdict === 'DROPPED') return 'l7-denied';
    if (f.l7.http?.code === 403 && f.l7.type === 'RESPONSE') return 'l7-denied';
    return 'allowed';
  }
  if (f.verdict === 'DROPPED') return 'denied';
  if (f.verdict === 'FORWARDED' || f.verdict === 'REDIRECTED') return 'allowed';
  return null;
}

const SEVERITY: Record<EdgeVerdict, number> = { allowed: 0, 'l7-denied': 1, denied: 2 };

export class GraphBuilder {
  private version = 0;
  private lastKey: { policies: readonly Policy[]; cluster: unknown } | null = null;
  private previous = new Map<string, EdgeVerdict>();
  private flipped = new Set<string>();
  private changes: GraphChange[] = [];
  private possible: GraphEdge[] = [];
  private tracked = new Map<string, TrackedRequest>();
  /** The flow log's sequence up to which requests were collected. */
  private trackedUpTo = 0;
  /** Names this builder in `flowsKey`, so keys of different builders (and workers) differ. */
  private readonly id = Math.random().toString(36).slice(2, 10);
  private tableVersion = 0;
  /** The last observed pass (see `observedEdges`). */
  private seen = new Memo<{ ix: NodeIndex; edges: GraphEdge[] }>();
  /** The last flow rows and their `flowsKey`. */
  private table = new Memo<{ rows: FlowRow[]; name: string }>();

  build(world: SimWorld): GraphData {
    // Observed edges and flow rows first: they depend only on the flow buffer and the cluster.
    const seen = this.observedEdges(world);
    const ix = seen.ix;
    const engine = world.engine;
    const policies = engine.policies;
    const changed =
      !this.lastKey ||
      this.lastKey.cluster !== engine.cluster ||
      this.lastKey.policies.length !== policies.length ||
      this.lastKey.policies.some((p, i) => p !== policies[i]);
    // Possible edges depend on policies and cluster only: an edit that changes neither (a
    // comment) reuses them instead of asking the matrix for every workload pair again.
    const possible = changed ? this.possibleEdges(world, ix) : this.possible;
    this.collectRequests(world, ix);
    if (changed) {
      this.possible = possible;
      this.version++;
      // Flipped: the verdict differs from the build before this change.
      this.flipped = new Set();
      const changes: GraphChange[] = [];
      if (this.lastKey) {
        for (const e of possible) {
          const before = this.previous.get(e.id);
          if (before !== undefined && before !== e.verdict) {
            this.flipped.add(e.id);
            changes.push({
              from: e.from,
              to: e.to,
              port: e.port,
              protocol: e.protocol,
              before: before === 'allowed' ? 'allowed' : 'denied',
              after: e.verdict === 'allowed' ? 'allowed' : 'denied',
              edge: e.id,
            });
          }
        }
        changes.push(...this.requestChanges(world));
      } else for (const t of this.tracked.values()) t.verdict = decide(world, t.probe);
      this.changes = changes.sort(
        (a, b) =>
          (a.after === b.after ? 0 : a.after === 'allowed' ? -1 : 1) ||
          (a.edge < b.edge ? -1 : a.edge > b.edge ? 1 : 0) ||
          ((a.l7 ?? '') < (b.l7 ?? '') ? -1 : (a.l7 ?? '') > (b.l7 ?? '') ? 1 : 0),
      );
      this.previous = new Map(possible.map((e) => [e.id, e.verdict]));
      this.lastKey = { policies, cluster: engine.cluster };
    }
    for (const e of possible) e.flipped = this.flipped.has(e.id);

    // Observed edges whose requests changed verdict are marked like flipped possible edges. The
    // observed edges are the remembered ones, so each is copied rather than marked in place.
    const changedEdges = new Set(this.changes.map((c) => c.edge));
    const edges: GraphEdge[] = [
      ...seen.edges.map((e) => ({ ...e, flipped: changedEdges.has(e.id) })),
      ...possible.map((e) => (changedEdges.has(e.id) ? { ...e, flipped: true } : e)),
    ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const nodes = [...ix.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    return {
      version: this.version,
      nodes,
      edges,
      flows: seen.rows,
      flowsKey: seen.rowsKey,
      changes: this.changes,
    };
  }

  /**
   * Edges from the flow buffer and the flow table's rows, with the node index the edges were
   * resolved against (flows can add nodes: world, FQDNs, pods of an imported cluster). Kept
   * while the buffer and the cluster stay the same, which is every policy edit: a learner who
   * ran many commands does not pay for walking the whole buffer on each keystroke. Callers get
   * a copy of the index to change as they like; the edges and rows are shared and must not be
   * changed (`build` returns copies of the edges).
   */
  private observedEdges(world: SimWorld): {
    ix: NodeIndex;
    edges: readonly Readonly<GraphEdge>[];
    rows: FlowRow[];
    rowsKey: string;
  } {
    const logged = world.flows.all();
    const buffer = [world.flows, world.flows.sequence, logged.length];
    const seen = this.seen.get([world.engine.cluster, ...buffer], () => {
      const ix = nodeIndex(world);
      const observed = new Map<string, GraphEdge & { at: number; ports: Set<number> }>();
      for (const { at, flow } of logged) {
        const c = flowEnds(flow);
        if (!c) continue;
        const from = nodeOf(ix, c.client, c.clientNames);
        const to = nodeOf(ix, c.server, c.serverNames);
        const id = `${from}|${to}|${c.port}/${c.protocol}|observed`;
        let edge = observed.get(id);
        if (!edge) {
          edge = {
            id,
            from,
            to,
            port: c.port,
            protocol: c.protocol,
            verdict: 'allowed',
            source: 'observed',
            l7: [],
            count: 0,
            flipped: false,
            policies: [],
            at: -1,
            ports: new Set(),
          };
          observed.set(id, edge);
        }
        // One connection per client port; its fate is the worst thing any of its records says.
        const v = verdictOf(flow);
        if (!edge.ports.has(c.clientPort)) {
          edge.ports.add(c.clientPort);
          edge.count++;
          if (v) {
            edge.verdict = v;
            edge.at = at;
          }
        } else if (v && SEVERITY[v] > SEVERITY[edge.verdict] && at >= edge.at) edge.verdict = v;
        const label = l7Label(flow);
        if (label) {
          edge.l7 = [label, ...edge.l7.filter((x) => x !== label)].slice(0, L7_PER_EDGE);
          if (flow.l7?.type === 'REQUEST' || flow.l7?.type === 'RESPONSE') {
            if (v) edge.verdict = v;
          }
        }
        for (const name of flowPolicies(flow))
          if (!edge.policies.includes(name)) edge.policies.push(name);
      }
      return { ix, edges: [...observed.values()].map(({ at: _at, ports: _ports, ...e }) => e) };
    });
    // The rows depend on the buffer alone (not on the cluster the edges were resolved in).
    const table = this.table.get(buffer, () => {
      const start = Math.max(0, logged.length - FLOW_ROWS);
      const rows: FlowRow[] = [];
      const seq0 = world.flows.sequence - logged.length;
      for (let i = start; i < logged.length; i++) rows.push(row(logged[i]!.flow, seq0 + i));
      return { rows, name: `${this.id}-${++this.tableVersion}` };
    });
    return {
      ix: copyIndex(seen.ix),
      edges: seen.edges,
      rows: table.rows,
      rowsKey: table.name,
    };
  }

  /** Remembers requests seen since the last build (each distinct one once, a few dozen at most). */
  private collectRequests(world: SimWorld, ix: NodeIndex): void {
    const fresh = world.flows.since(this.trackedUpTo);
    this.trackedUpTo = world.flows.sequence;
    for (const { flow } of fresh) {
      if (this.tracked.size >= TRACKED_REQUESTS) return;
      const r = requestOf(flow);
      const p = r && flowEnds(flow);
      if (!r || !p) continue;
      const key = `${r.probe.from}|${r.probe.to}|${p.port}/${p.protocol}|${r.label}`;
      if (this.tracked.has(key)) continue;
      this.tracked.set(key, {
        ...r,
        from: nodeOf(ix, flow.source, flow.source_names),
        to: nodeOf(ix, flow.destination, flow.destination_names),
        port: p.port,
        protocol: p.protocol,
        verdict: decide(world, r.probe),
      });
    }
  }

  /** The tracked requests whose verdict the change turned around. */
  private requestChanges(world: SimWorld): GraphChange[] {
    const out: GraphChange[] = [];
    for (const t of this.tracked.values()) {
      const after = decide(world, t.probe);
      if (after !== t.verdict)
        out.push({
          from: t.from,
          to: t.to,
          port: t.port,
          protocol: t.protocol,
          l7: t.label,
          before: t.verdict,
          after,
          edge: `${t.from}|${t.to}|${t.port}/${t.protocol}|observed`,
        });
      t.verdict = after;
    }
    return out;
  }

  /** Every workload to every workload on each port the destination declares, from the matrix. */
  private possibleEdges(world: SimWorld, ix: NodeIndex): GraphEdge[] {
    const matrix = world.engine.matrix();
    return pairsOf(world, ix).map((p) => {
      const allowed = matrix.allowed(p.src, p.dst, p.port, p.protocol);
      return {
        id: `${p.from}|${p.to}|${p.port}/${p.protocol}|possible`,
        from: p.from,
        to: p.to,
        port: p.port,
        protocol: p.protocol,
        verdict: allowed ? 'allowed' : 'denied',
        source: 'possible',
        l7: [],
        count: 0,
        flipped: false,
        policies: [],
      };
    });
  }
}

/** Whether a request would get through now (connection and proxies). */
function decide(world: SimWorld, probe: Probe): 'allowed' | 'denied' {
  const r = world.engine.probe(probe);
  return r.verdict === 'allowed' && r.l7?.allowed !== false ? 'allowed' : 'denied';
}

/** Possible traffic between two workloads: their first pods, on a port the destination declares. */
export interface WorkloadPair {
  /** Graph node ids, `workload:ns/name`. */
  from: string;
  to: string;
  src: Pod;
  dst: Pod;
  port: number;
  protocol: GraphEdge['protocol'];
}

function pairsOf(world: SimWorld, ix: NodeIndex): WorkloadPair[] {
  const firstPod = new Map<string, Pod>();
  for (const pod of world.engine.cluster.pods) {
    const id = ix.byPod.get(`${pod.namespace}/${pod.name}`);
    if (id && !firstPod.has(id)) firstPod.set(id, pod);
  }
  const out: WorkloadPair[] = [];
  for (const [from, src] of firstPod)
    for (const [to, dst] of firstPod) {
      if (from === to) continue;
      const seen = new Set<string>();
      for (const cp of dst.ports) {
        const key = `${cp.port}/${cp.protocol}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ from, to, src, dst, port: cp.port, protocol: cp.protocol });
      }
    }
  return out;
}

/** The pairs behind the graph's possible edges, in the graph's order. */
export function workloadPairs(world: SimWorld): WorkloadPair[] {
  return pairsOf(world, nodeIndex(world));
}

/** The graph node a pod belongs to (`workload:ns/name`), or undefined for host-network pods. */
export function workloadNodeOf(pod: Pod): string | undefined {
  return pod.hostNetwork || !pod.ip ? undefined : `workload:${pod.namespace}/${workloadOf(pod)}`;
}

function row(f: Flow, seq: number): FlowRow {
  const p = flowEnds(f);
  const who = (ep: FlowEndpoint, names: string[] | undefined) =>
    ep.pod_name
      ? `${ep.namespace}/${ep.pod_name}`
      : (names?.[0] ?? (RESERVED_NODES[ep.identity]?.label || `identity ${ep.identity}`));
  return {
    seq,
    time: f.time,
    source: who(f.source, f.source_names),
    destination: who(f.destination, f.destination_names),
    port: p?.port ?? null,
    protocol: p?.protocol ?? '',
    type: flowType(f),
    verdict: verdictText(f),
    summary: flowSummary(f),
    policies: flowPolicies(f),
  };
}
