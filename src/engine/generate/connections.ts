/**
 * From flow records to the connections they show: who opened what, on which port, and (where a
 * proxy saw it) which HTTP requests and DNS names went through. Only traffic that was let
 * through counts; a least-privilege policy has to allow exactly that.
 *
 * Which records stand for a connection (Hubble's flow model, api/v1/flow/flow.proto):
 * 1. Replies (`is_reply: true`) are the server's half of a connection and are skipped.
 * 2. A dropped record is not allowed traffic; neither is an L7 request the proxy refused.
 * 3. TCP: a forwarded record that is not a reply (`is_reply: false`, or unset with SYN and no
 *    ACK, the opening packet). UDP and SCTP: a forwarded record that is not a reply; when
 *    `is_reply` is unset, the lower port is taken as the server's.
 * 4. L7 requests (`l7.type: REQUEST`) always go from client to server; HTTP ones give the
 *    method and `:path` (with its query), DNS ones the name asked for (without the final dot).
 */
import { workloadFromPodName } from '../cluster/workload.ts';
import { layer4Of } from '../flows/ends.ts';
import type { Flow, FlowEndpoint } from '../flows/model.ts';

/** A pod, grouped into its workload. */
export interface PodPeer {
  kind: 'pod';
  namespace: string;
  workload: string;
  /** `k8s:` labels of the pod, without the source prefix. */
  labels: Record<string, string>;
}

export type Entity = 'host' | 'remote-node' | 'kube-apiserver' | 'health' | 'ingress';

export type Peer =
  | PodPeer
  | { kind: 'entity'; entity: Entity }
  /** An address outside the cluster, with the DNS names the proxy learned it under, if any. */
  | { kind: 'world'; ip: string; names: string[] };

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Connection {
  client: Peer;
  server: Peer;
  port: number;
  protocol: Protocol;
  http?: { method: string; path: string };
  /** A DNS name asked for through the proxy. */
  dns?: string;
}

const ENTITIES: Record<number, Entity> = {
  1: 'host',
  4: 'health',
  6: 'remote-node',
  7: 'kube-apiserver',
  8: 'ingress',
};

export interface PeerContext {
  /** `ns/pod` to workload name, when the cluster is known. */
  workloadOf?: (namespace: string, pod: string) => string | undefined;
}

function k8sLabels(labels: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) {
    if (!l.startsWith('k8s:')) continue;
    const eq = l.indexOf('=');
    if (eq < 0) out[l.slice(4)] = '';
    else out[l.slice(4, eq)] = l.slice(eq + 1);
  }
  return out;
}

/** What an endpoint of a flow stands for. */
export function peerOf(
  ep: FlowEndpoint,
  ip: string,
  names: readonly string[] | undefined,
  ctx: PeerContext,
): Peer {
  if (ep.pod_name && ep.namespace) {
    const workload =
      ctx.workloadOf?.(ep.namespace, ep.pod_name) ??
      ep.workloads?.[0]?.name ??
      workloadFromPodName(ep.pod_name);
    return { kind: 'pod', namespace: ep.namespace, workload, labels: k8sLabels(ep.labels) };
  }
  const entity = ENTITIES[ep.identity];
  if (entity) return { kind: 'entity', entity };
  // Anything else is outside the cluster: world (2, 9, 10), a node-local CIDR or FQDN identity
  // (from FIRST_LOCAL_IDENTITY on), or a pod of a cluster the export does not describe.
  return {
    kind: 'world',
    ip,
    names: (names ?? []).map((n) => n.replace(/\.$/, '')).filter((n) => n !== ''),
  };
}

function ports(
  f: Flow,
): { protocol: Protocol; src: number; dst: number; syn: boolean; ack: boolean } | null {
  const p = layer4Of(f.l4);
  if (!p) return null;
  return {
    protocol: p.protocol,
    src: p.source_port,
    dst: p.destination_port,
    syn: p.flags?.SYN === true,
    ack: p.flags?.ACK === true,
  };
}

function allowed(f: Flow): boolean {
  return f.verdict === 'FORWARDED' || f.verdict === 'REDIRECTED';
}

/** The connection a record shows, if it shows allowed traffic from a client to a server. */
export function connectionOf(f: Flow, ctx: PeerContext = {}): Connection | null {
  if (!allowed(f)) return null;
  const p = ports(f);
  if (!p) return null;
  let reverse = false;
  if (f.l7) {
    if (f.l7.type !== 'REQUEST') return null;
  } else if (f.is_reply === true) return null;
  else if (f.is_reply === undefined) {
    if (p.protocol === 'TCP') {
      if (!p.syn || p.ack) return null;
    } else if (p.src !== 0 && p.src < p.dst) reverse = true;
  }
  const [cEp, sEp] = reverse ? [f.destination, f.source] : [f.source, f.destination];
  const [cIp, sIp] = reverse ? [f.IP.destination, f.IP.source] : [f.IP.source, f.IP.destination];
  const [cNames, sNames] = reverse
    ? [f.destination_names, f.source_names]
    : [f.source_names, f.destination_names];
  const port = reverse ? p.src : p.dst;
  if (port === 0) return null;
  const conn: Connection = {
    client: peerOf(cEp, cIp, cNames, ctx),
    server: peerOf(sEp, sIp, sNames, ctx),
    port,
    protocol: p.protocol,
  };
  if (f.l7?.http) {
    let path = f.l7.http.url;
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(path);
    if (m) path = m[1] || '/';
    conn.http = { method: f.l7.http.method, path };
  } else if (f.l7?.dns) {
    const name = f.l7.dns.query.replace(/\.$/, '');
    if (name !== '') conn.dns = name;
  }
  return conn;
}
