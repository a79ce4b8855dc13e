/**
 * The data behind the flow graph and the flow table: plain, serialisable, built in the worker
 * from the simulated world (observed flows) and the engine's matrix (possible traffic).
 */

/** What a node stands for. Workloads group the pods of one Deployment, StatefulSet, ... */
export type GraphNodeKind = 'workload' | 'world' | 'host' | 'remote-node' | 'kube-dns' | 'fqdn';

export interface GraphNode {
  /** Stable across edits: `workload:ns/name`, `world`, `fqdn:api.github.com`, ... */
  id: string;
  kind: GraphNodeKind;
  /** Namespace box the node sits in (absent for world, host, FQDN nodes). */
  namespace?: string;
  label: string;
  /** Pods behind the node (`ns/pod`), for workloads. */
  pods: string[];
  /** Pod labels shared by every pod of the workload, for tooltips. */
  labels: Record<string, string>;
}

/** How traffic on an edge fared. `l7-denied`: the connection passed, a proxy refused requests. */
export type EdgeVerdict = 'allowed' | 'denied' | 'l7-denied';

export interface GraphEdge {
  /** Stable: `from|to|port/protocol|source`. */
  id: string;
  from: string;
  to: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  verdict: EdgeVerdict;
  /** `observed`: traffic someone generated (like Hubble); `possible`: what policy would allow. */
  source: 'observed' | 'possible';
  /** L7 summaries seen on the edge, newest first, at most a few (`GET /metrics 403`). */
  l7: string[];
  /** Observed flows (connections or requests) on the edge. */
  count: number;
  /** The verdict changed with the last edit (possible edges only). */
  flipped: boolean;
  /** Policies that decided it (`CiliumNetworkPolicy db/lock-db`), when known. */
  policies: string[];
}

/** One row of the flow table (an observed flow). */
export interface FlowRow {
  /** Index into the world's flow log, for "explain this flow". */
  seq: number;
  time: string;
  source: string;
  destination: string;
  port: number | null;
  protocol: string;
  /** `http-request`, `policy-verdict:none INGRESS`, `Policy denied`, `to-endpoint`, ... */
  type: string;
  verdict: string;
  /** L7 summary, or the L3/L4 summary (`TCP Flags: SYN`). */
  summary: string;
  policies: string[];
}

/**
 * A verdict the last change of policies or cluster turned around: a workload pair on a declared
 * port (from the matrix), or a request seen in the terminal (with its L7 summary), decided again.
 */
export interface GraphChange {
  from: string;
  to: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** `GET /admin`, `DNS api.github.com`; absent for a connection. */
  l7?: string;
  before: 'allowed' | 'denied';
  after: 'allowed' | 'denied';
  /** The graph edge it belongs to. */
  edge: string;
}

export interface GraphData {
  /** Increments with every change of the world's policies or cluster. */
  version: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Newest last, capped. */
  flows: FlowRow[];
  /**
   * Names this list of flow rows: equal keys, equal rows (unique across builders and workers),
   * so a page that has the rows need not be sent them again.
   */
  flowsKey: string;
  /** What the last change of policies or cluster turned around (newly allowed first). */
  changes: GraphChange[];
}
