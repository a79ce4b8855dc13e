/**
 * Flow records for what a probe puts on the wire, as Hubble would report them.
 *
 * One probe is one connection attempt (and, for `fqdn:` probes, the DNS lookup before it):
 *
 * 1. Policy verdicts, egress at the client's node first, then ingress at the server's node, for
 *    each side whose endpoint has policy (a side decided `no-policy` has no enforcement and
 *    reports nothing). A denied side ends the attempt with its `policy-verdict:none … DENIED`
 *    and a `Policy denied` drop (181, `Policy denied by denylist`, when a deny rule decided).
 * 2. Without a proxy: the handshake as `to-endpoint` traces (`to-stack` toward an address
 *    outside the cluster): SYN, the SYN-ACK reply, ACK; UDP and SCTP one request and one reply.
 * 3. With a proxy on the path: the handshake is redirected (`to-proxy`), then the proxies log the
 *    request and the answer: `http-request`/`http-response` (a refused request gives both,
 *    the answer being a 403 with no latency), `dns-request proxy` and, only when allowed,
 *    `dns-response proxy`, `kafka-request`/`kafka-response`.
 *
 * Everything is deterministic: times step from the given start by amounts drawn from a
 * generator seeded with the probe id; the client port and the uuids are hashes.
 */
import type { Cluster } from '../cluster/model.ts';
import { ownerWorkload } from '../cluster/workload.ts';
import type { PublicZone } from '../dns/resolver.ts';
import type { AllowMatch, DirectionDecision } from '../evaluate/decide.ts';
import type { L7Check } from '../evaluate/l7.ts';
import type { Endpoint, ProbeResult } from '../evaluate/probe.ts';
import { endpointIdsOf, fnv1a, seededRandom } from '../hash.ts';
import type { Identity, IdentityTable } from '../identity.ts';
import { cidrContains, formatIPv4, type Cidr, type IpAddr } from '../ip.ts';
import { normaliseName, selectorMatches } from '../l7/dns.ts';
import type { Policy, PolicyRef, Rule, RuleOrigin } from '../policy/model.ts';
import type { Direction, Protocol } from '../types.ts';
import {
  DROP_POLICY_DENIED,
  DROP_POLICY_DENY,
  EVENT_DROP,
  EVENT_L7,
  EVENT_POLICY_VERDICT,
  EVENT_TRACE,
  FIRST_LOCAL_IDENTITY,
  MATCH_ALL,
  MATCH_L3_L4,
  MATCH_L3_ONLY,
  MATCH_L4_ONLY,
  TRACE_POINTS,
  type Flow,
  type FlowEndpoint,
  type FlowPolicy,
  type HttpHeader,
  type Layer4,
  type Layer7,
  type ObservationPoint,
  type TcpFlags,
  type TrafficDirection,
  type Verdict,
} from './model.ts';
import { flowSummary } from './summary.ts';

/** What flow building reads from the engine; an `Engine` satisfies it. */
export interface FlowSource {
  readonly cluster: Cluster;
  readonly identities: IdentityTable;
  readonly policies: readonly Policy[];
  readonly publicZone?: PublicZone;
}

export interface FlowOptions {
  /** When the (first) probe starts. Default 2026-01-01T00:00:00Z. */
  start?: Date;
}

export const DEFAULT_START = new Date(Date.UTC(2026, 0, 1, 0, 0, 0));

// ---------------------------------------------------------------------------------------------
// Cluster- and policy-derived lookups, built once per call.

interface ClusterInfo {
  /** Pod key → Cilium endpoint ID. */
  endpointIds: Map<string, number>;
}

const clusterInfos = new WeakMap<Cluster, ClusterInfo>();

function clusterInfo(cluster: Cluster): ClusterInfo {
  let info = clusterInfos.get(cluster);
  if (info) return info;
  const endpointIds = endpointIdsOf(cluster.pods);
  info = { endpointIds };
  clusterInfos.set(cluster, info);
  return info;
}

/** A node-local identity for addresses outside the cluster (CIDR prefix or toFQDNs names). */
interface LocalIdentity {
  id: number;
  labels: string[];
}

interface FlowEnv {
  src: FlowSource;
  cluster: ClusterInfo;
  ruleOf: Map<RuleOrigin, Rule>;
  revision: number;
  /** CIDR identities, longest prefix first. */
  prefixes: { cidr: Cidr; identity: LocalIdentity }[];
  /** Normalised DNS name → the identity its addresses get once learned through the proxy. */
  fqdn: Map<string, LocalIdentity>;
  policyCache: Map<string, FlowPolicy>;
}

function cidrText(c: Cidr): string {
  if (c.family === 4) return `${formatIPv4(Number(c.base))}/${c.bits}`;
  const slash = c.text.indexOf('/');
  return slash < 0 ? `${c.text}/${c.bits}` : c.text;
}

/**
 * Every CIDR prefix any policy names gets an identity, and so does every set of toFQDNs
 * selectors that some name of the public zone matches; they are numbered from 16777217 in the
 * sorted order of their labels, so the numbers depend only on the policies and the zone.
 */
function buildEnv(src: FlowSource): FlowEnv {
  // An engine hands out a fresh array of the same policy objects on every read: reuse the
  // lookups while the cluster, the policies and the zone stay the same.
  const policies = src.policies;
  const zone = src.publicZone;
  const cached = envCache.get(src.cluster);
  if (
    cached &&
    cached.zone === zone &&
    cached.identities === src.identities &&
    cached.policies.length === policies.length &&
    cached.policies.every((p, i) => p === policies[i])
  )
    return { ...cached.env, src, policyCache: new Map() };
  const env = computeEnv(src);
  envCache.set(src.cluster, { policies: [...policies], zone, identities: src.identities, env });
  return env;
}

const envCache = new WeakMap<
  Cluster,
  {
    policies: readonly Policy[];
    zone: PublicZone | undefined;
    identities: IdentityTable;
    env: FlowEnv;
  }
>();

function computeEnv(src: FlowSource): FlowEnv {
  const policies = src.policies;
  const ruleOf = new Map<RuleOrigin, Rule>();
  const prefixByKey = new Map<string, Cidr>();
  const selectors: { label: string; sel: { matchName?: string; matchPattern?: string } }[] = [];
  const seenSelector = new Set<string>();
  for (const p of policies)
    for (const r of p.rules) {
      ruleOf.set(r.origin, r);
      for (const c of r.cidrs)
        for (const x of [c.cidr, ...c.except]) prefixByKey.set(`cidr:${cidrText(x)}`, x);
      for (const f of r.fqdns) {
        const text = f.matchName ?? f.matchPattern;
        if (text === undefined) continue;
        const label = `fqdn:${text}`;
        if (seenSelector.has(label)) continue;
        seenSelector.add(label);
        selectors.push({ label, sel: f });
      }
    }
  const fqdnLabels = new Map<string, string[]>();
  if (selectors.length > 0)
    for (const name of Object.keys(src.publicZone ?? {})) {
      const n = normaliseName(name);
      const labels = selectors
        .filter((s) => selectorMatches(s.sel, n))
        .map((s) => s.label)
        .sort();
      if (labels.length > 0) fqdnLabels.set(n, [...labels, 'reserved:world']);
    }
  const keys = new Set<string>(prefixByKey.keys());
  for (const labels of fqdnLabels.values()) keys.add(labels.join(','));
  const numbers = new Map<string, number>();
  [...keys].sort().forEach((k, i) => numbers.set(k, FIRST_LOCAL_IDENTITY + i));
  const prefixes = [...prefixByKey.entries()]
    .map(([k, cidr]) => ({
      cidr,
      identity: { id: numbers.get(k)!, labels: [k, 'reserved:world'] },
    }))
    .sort((a, b) => b.cidr.bits - a.cidr.bits || a.identity.id - b.identity.id);
  const fqdn = new Map<string, LocalIdentity>();
  for (const [n, labels] of fqdnLabels) fqdn.set(n, { id: numbers.get(labels.join(','))!, labels });
  return {
    src,
    cluster: clusterInfo(src.cluster),
    ruleOf,
    // The policy repository's revision: one for the empty repository, one more per policy.
    revision: policies.length + 1,
    prefixes,
    fqdn,
    policyCache: new Map(),
  };
}

// ---------------------------------------------------------------------------------------------
// Small deterministic helpers.

/** FNV-1a followed by MurmurHash3's finaliser, so that similar seeds give unrelated bits. */
function mixedHash(text: string): number {
  let h = fnv1a(text);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** A version-4-shaped uuid derived from a seed. */
export function uuidFrom(seed: string): string {
  const h = hex8(mixedHash(`${seed}#0`)) + hex8(mixedHash(`${seed}#1`));
  const l = hex8(mixedHash(`${seed}#2`)) + hex8(mixedHash(`${seed}#3`));
  const variant = ((parseInt(l[0]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${l.slice(1, 4)}-${l.slice(4, 16)}`;
}

/** The client's ephemeral port: Linux's default range 32768–60999. */
export function ephemeralPort(seed: string): number {
  return 32768 + (mixedHash(`port:${seed}`) % (60999 - 32768 + 1));
}

/** A protobuf Timestamp in protojson's text form: 0, 3, 6 or 9 fraction digits. */
export function protoTime(epochSeconds: number, nanos: number): string {
  const base = new Date(epochSeconds * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, '0');
  const frac =
    nanos % 1_000_000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${frac}Z`;
}

/** Nanosecond clock anchored at a millisecond start, so no precision is lost. */
class Clock {
  private readonly seconds: number;
  private readonly baseNs: number;
  /** Nanoseconds since the anchor. */
  ns = 0;

  constructor(
    startMs: number,
    readonly rand: () => number,
  ) {
    this.seconds = Math.floor(startMs / 1000);
    this.baseNs = (startMs - this.seconds * 1000) * 1e6;
  }

  /** Moves on by a random amount in [minUs, maxUs) microseconds, at nanosecond grain. */
  advance(minUs: number, maxUs: number): void {
    this.ns += Math.round(minUs * 1000 + this.rand() * (maxUs - minUs) * 1000);
  }

  stamp(): string {
    const total = this.baseNs + this.ns;
    const s = Math.floor(total / 1e9);
    return protoTime(this.seconds + s, total - s * 1e9);
  }

  /** The instant now, in epoch milliseconds (fraction dropped). */
  epochMs(): number {
    return this.seconds * 1000 + Math.floor((this.baseNs + this.ns) / 1e6);
  }
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

const labelTexts = new WeakMap<Identity, string[]>();

/** `source:key=value` for every label of an identity, sorted (a fresh copy each time). */
function identityLabels(identity: Identity): string[] {
  let texts = labelTexts.get(identity);
  if (!texts) {
    texts = identity.labels.map((l) => `${l.source}:${l.key}=${l.value}`).sort();
    labelTexts.set(identity, texts);
  }
  return [...texts];
}

/** One end of the connection, with how it looks from any node. */
interface Side {
  ep: Endpoint;
  ip: string;
  port: number;
  /** The node this end runs on (absent for addresses outside the cluster). */
  node?: string;
  /** DNS names the client learned for this address through the proxy. */
  names?: string[];
  /** The Hubble endpoint as observed on a node. */
  at(node: string): FlowEndpoint;
}

function ipText(ep: Endpoint): string {
  switch (ep.kind) {
    case 'pod':
      return ep.pod.ip;
    case 'node':
      return ep.node.ip;
    case 'world':
      return ep.text;
  }
}

function sideOf(
  env: FlowEnv,
  ep: Endpoint,
  port: number,
  learned: { name: string; identity?: LocalIdentity } | undefined,
): Side {
  const ip = ipText(ep);
  if (ep.kind === 'pod') {
    const pod = ep.pod;
    const key = `${pod.namespace}/${pod.name}`;
    const id = env.cluster.endpointIds.get(key);
    const owner = ownerWorkload(pod);
    const fe: FlowEndpoint = {
      ...(id !== undefined ? { ID: id } : {}),
      identity: ep.identity.id,
      namespace: pod.namespace,
      labels: identityLabels(ep.identity),
      pod_name: pod.name,
      ...(owner ? { workloads: [owner] } : {}),
    };
    return { ep, ip, port, node: pod.nodeName, at: () => fe };
  }
  if (ep.kind === 'node') {
    const node = ep.node;
    const local: FlowEndpoint = node.controlPlane
      ? { identity: 1, labels: ['reserved:host', 'reserved:kube-apiserver'] }
      : { identity: 1, labels: ['reserved:host'] };
    const remote: FlowEndpoint = node.controlPlane
      ? { identity: 7, labels: ['reserved:kube-apiserver', 'reserved:remote-node'] }
      : { identity: 6, labels: ['reserved:remote-node'] };
    return { ep, ip, port, node: node.name, at: (n) => (n === node.name ? local : remote) };
  }
  // Outside the cluster: a learned name's identity, else the longest CIDR prefix, else world.
  let identity: LocalIdentity | undefined = learned?.identity;
  if (!identity) identity = prefixIdentity(env, ep.ip);
  const fe: FlowEndpoint = identity
    ? { identity: identity.id, labels: identity.labels }
    : { identity: 2, labels: ['reserved:world'] };
  return {
    ep,
    ip,
    port,
    ...(learned ? { names: [learned.name] } : {}),
    at: () => fe,
  };
}

function prefixIdentity(env: FlowEnv, ip: IpAddr): LocalIdentity | undefined {
  for (const p of env.prefixes) if (cidrContains(p.cidr, ip)) return p.identity;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Policies named in flows.

function policyUid(ref: PolicyRef): string {
  return uuidFrom(`policy:${ref.kind}/${ref.namespace ?? ''}/${ref.name}`);
}

function flowPolicy(env: FlowEnv, ref: PolicyRef): FlowPolicy {
  const key = `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
  let p = env.policyCache.get(key);
  if (p) return p;
  const prefix = 'k8s:io.cilium.k8s.policy.';
  const labels = [
    `${prefix}derived-from=${ref.kind}`,
    `${prefix}name=${ref.name}`,
    ...(ref.namespace !== undefined ? [`${prefix}namespace=${ref.namespace}`] : []),
    `${prefix}uid=${policyUid(ref)}`,
  ];
  p = {
    name: ref.name,
    ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
    labels,
    revision: env.revision,
    kind: ref.kind,
  };
  env.policyCache.set(key, p);
  return p;
}

function policiesOf(env: FlowEnv, origins: readonly RuleOrigin[]): FlowPolicy[] {
  const out: FlowPolicy[] = [];
  const seen = new Set<FlowPolicy>();
  for (const o of origins) {
    const p = flowPolicy(env, o.policy);
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  }
  return out;
}

/**
 * The policy-map entry kind that let the packet through. The datapath tries peer and port
 * first, then any peer on the port, then the peer on any port, then anything.
 */
function matchType(env: FlowEnv, d: DirectionDecision): number {
  if (d.reason === 'no-default-deny') return MATCH_ALL;
  if (d.reason === 'local-host') return MATCH_L3_ONLY;
  const rank = [MATCH_ALL, MATCH_L3_ONLY, MATCH_L4_ONLY, MATCH_L3_L4];
  let best = -1;
  const score = (m: AllowMatch): number => {
    const rule = env.ruleOf.get(m.origin);
    const anyPeer = rule ? rule.aggregated.some((s) => s.wildcard) : false;
    if (m.portRules === null) return anyPeer ? 0 : 1;
    return anyPeer ? 2 : 3;
  };
  for (const m of d.matches) best = Math.max(best, score(m));
  return best < 0 ? MATCH_L3_ONLY : rank[best]!;
}

// ---------------------------------------------------------------------------------------------
// Building flows.

/** The state of one probe's run: the clock, the seeds and the output. */
interface Run {
  env: FlowEnv;
  clock: Clock;
  seed: string;
  count: number;
  out: Flow[];
}

interface Conn {
  client: Side;
  server: Side;
  protocol: Protocol;
  ipVersion: 'IPv4' | 'IPv6';
}

interface PacketSpec {
  /** undefined: the datapath cannot tell (drops, denied verdicts). */
  reply: boolean | undefined;
  node: string;
  verdict: Verdict;
  direction: TrafficDirection;
  eventType: { type: number; sub_type?: number };
  flags?: TcpFlags;
  type?: 'L3_L4' | 'L7';
  l7?: Layer7;
  extra?: Partial<Flow>;
}

function layer4(conn: Conn, reply: boolean, flags: TcpFlags | undefined): Layer4 {
  const ports = reply
    ? { source_port: conn.server.port, destination_port: conn.client.port }
    : { source_port: conn.client.port, destination_port: conn.server.port };
  if (conn.protocol === 'TCP') return { TCP: flags ? { ...ports, flags } : ports };
  if (conn.protocol === 'UDP') return { UDP: ports };
  return { SCTP: ports };
}

function emit(run: Run, conn: Conn, p: PacketSpec): Flow {
  const back = p.reply === true;
  const from = back ? conn.server : conn.client;
  const to = back ? conn.client : conn.server;
  const l4 = layer4(conn, back, p.l7 ? undefined : p.flags);
  const flow: Flow = {
    time: run.clock.stamp(),
    uuid: uuidFrom(`${run.seed}|${run.count++}`),
    verdict: p.verdict,
    IP: { source: from.ip, destination: to.ip, ipVersion: conn.ipVersion },
    l4,
    source: from.at(p.node),
    destination: to.at(p.node),
    Type: p.type ?? 'L3_L4',
    node_name: p.node,
    ...(from.names ? { source_names: from.names } : {}),
    ...(to.names ? { destination_names: to.names } : {}),
    ...(p.l7 ? { l7: p.l7 } : {}),
    event_type: p.eventType,
    traffic_direction: p.direction,
    ...p.extra,
    ...(p.reply !== undefined ? { is_reply: p.reply } : {}),
    Summary: '',
  };
  flow.Summary = flowSummary(flow);
  run.out.push(flow);
  return flow;
}

const SYN: TcpFlags = { SYN: true };
const SYN_ACK: TcpFlags = { SYN: true, ACK: true };
const ACK: TcpFlags = { ACK: true };

function dirWord(d: Direction): TrafficDirection {
  return d === 'egress' ? 'EGRESS' : 'INGRESS';
}

/** The policy-verdict record of one side, and the drop that follows a denial. */
function verdictFlows(
  run: Run,
  conn: Conn,
  d: DirectionDecision,
  node: string,
  redirected: boolean,
): void {
  const direction = dirWord(d.direction);
  const flags = conn.protocol === 'TCP' ? SYN : undefined;
  if (d.allowed) {
    const by = d.reason === 'allow-rule' ? policiesOf(run.env, d.rules) : [];
    emit(run, conn, {
      reply: false,
      node,
      verdict: redirected ? 'REDIRECTED' : 'FORWARDED',
      direction,
      eventType: { type: EVENT_POLICY_VERDICT },
      ...(flags ? { flags } : {}),
      extra: {
        policy_match_type: matchType(run.env, d),
        ...(by.length > 0
          ? d.direction === 'egress'
            ? { egress_allowed_by: by }
            : { ingress_allowed_by: by }
          : {}),
      },
    });
    return;
  }
  const byDeny = d.reason === 'deny-rule';
  const reason = byDeny ? DROP_POLICY_DENY : DROP_POLICY_DENIED;
  const desc = byDeny ? 'POLICY_DENY' : 'POLICY_DENIED';
  const by = byDeny ? policiesOf(run.env, d.rules) : [];
  emit(run, conn, {
    reply: undefined,
    node,
    verdict: 'DROPPED',
    direction,
    eventType: { type: EVENT_POLICY_VERDICT },
    ...(flags ? { flags } : {}),
    extra: {
      drop_reason: reason,
      drop_reason_desc: desc,
      ...(by.length > 0
        ? d.direction === 'egress'
          ? { egress_denied_by: by }
          : { ingress_denied_by: by }
        : {}),
    },
  });
  run.clock.advance(2, 15);
  emit(run, conn, {
    reply: undefined,
    node,
    verdict: 'DROPPED',
    direction,
    eventType: { type: EVENT_DROP, sub_type: reason },
    ...(flags ? { flags } : {}),
    extra: { drop_reason: reason, drop_reason_desc: desc },
  });
}

function trace(
  run: Run,
  conn: Conn,
  reply: boolean,
  point: ObservationPoint,
  node: string,
  direction: TrafficDirection,
  flags: TcpFlags | undefined,
): void {
  const sub = TRACE_POINTS[point].subType;
  emit(run, conn, {
    reply,
    node,
    verdict: 'FORWARDED',
    direction,
    eventType: sub === 0 ? { type: EVENT_TRACE } : { type: EVENT_TRACE, sub_type: sub },
    ...(flags ? { flags } : {}),
    extra: { trace_observation_point: point },
  });
}

/** Where a packet toward the server is seen: at the server's endpoint, or leaving the client. */
function forwardPoint(conn: Conn): {
  point: ObservationPoint;
  node: string;
  dir: TrafficDirection;
} {
  if (conn.server.ep.kind === 'pod')
    return { point: 'TO_ENDPOINT', node: conn.server.node!, dir: 'INGRESS' };
  return { point: 'TO_STACK', node: conn.client.node ?? conn.server.node ?? '', dir: 'EGRESS' };
}

/** Where a reply toward the client is seen. */
function replyPoint(conn: Conn): { point: ObservationPoint; node: string; dir: TrafficDirection } {
  if (conn.client.ep.kind === 'pod')
    return { point: 'TO_ENDPOINT', node: conn.client.node!, dir: 'EGRESS' };
  return { point: 'TO_STACK', node: conn.server.node ?? conn.client.node ?? '', dir: 'INGRESS' };
}

/** The handshake (or the datagram and its answer) with no proxy in the way. */
function plainExchange(run: Run, conn: Conn): void {
  const fwd = forwardPoint(conn);
  const back = replyPoint(conn);
  const tcp = conn.protocol === 'TCP';
  run.clock.advance(5, 40);
  trace(run, conn, false, fwd.point, fwd.node, fwd.dir, tcp ? SYN : undefined);
  run.clock.advance(60, 400);
  trace(run, conn, true, back.point, back.node, back.dir, tcp ? SYN_ACK : undefined);
  if (!tcp) return;
  run.clock.advance(30, 200);
  trace(run, conn, false, fwd.point, fwd.node, fwd.dir, ACK);
}

/** The handshake redirected into the first proxy on the path. */
function proxiedExchange(run: Run, conn: Conn, at: Direction): void {
  const node = at === 'egress' ? conn.client.node! : conn.server.node!;
  const dir = dirWord(at);
  const tcp = conn.protocol === 'TCP';
  run.clock.advance(5, 40);
  trace(run, conn, false, 'TO_PROXY', node, dir, tcp ? SYN : undefined);
  if (!tcp) return;
  const back = replyPoint(conn);
  run.clock.advance(40, 250);
  trace(run, conn, true, back.point, back.node, back.dir, SYN_ACK);
  run.clock.advance(30, 200);
  trace(run, conn, false, 'TO_PROXY', node, dir, ACK);
}

const HEADER_TOKEN = /^[A-Za-z0-9-]+$/;

/** Go's `http.CanonicalHeaderKey` for the usual header names. */
function canonicalHeader(key: string): string {
  if (!HEADER_TOKEN.test(key)) return key;
  return key
    .toLowerCase()
    .split('-')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('-');
}

/** Numeric DNS response codes. */
const RCODES: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

/** The TTL the proxy logs for an answer without records: the minimum over none. */
const NO_RECORD_TTL = 4294967295;

function l7Flow(
  run: Run,
  conn: Conn,
  side: Direction,
  reply: boolean,
  verdict: Verdict,
  l7: Layer7,
): Flow {
  return emit(run, conn, {
    reply,
    node: side === 'egress' ? conn.client.node! : conn.server.node!,
    verdict,
    direction: dirWord(side),
    eventType: { type: EVENT_L7 },
    type: 'L7',
    l7,
  });
}

/** The proxies that see the request, in path order, up to the one that refused it. */
function proxyPath(r: ProbeResult): Direction[] {
  const l7 = r.l7!;
  const path: Direction[] = [];
  for (const side of ['egress', 'ingress'] as const) {
    const check: L7Check | undefined = l7[side];
    if (!check || !check.set.proxied) continue;
    path.push(side);
    if (l7.refusedBy === side) break;
  }
  return path;
}

/** HTTP and Kafka: a request at each proxy on the path, then the answers back. */
function requestResponse(
  run: Run,
  conn: Conn,
  r: ProbeResult,
  request: (side: Direction) => Layer7,
  response: (side: Direction, refused: boolean, latencyNs: number) => Layer7,
): void {
  const l7 = r.l7!;
  const path = proxyPath(r);
  const sent: { side: Direction; at: number }[] = [];
  for (const side of path) {
    run.clock.advance(side === path[0] ? 20 : 40, side === path[0] ? 120 : 250);
    const refused = l7.refusedBy === side;
    l7Flow(run, conn, side, false, refused ? 'DROPPED' : 'FORWARDED', request(side));
    sent.push({ side, at: run.clock.ns });
  }
  for (let i = sent.length - 1; i >= 0; i--) {
    const { side, at } = sent[i]!;
    const refused = l7.refusedBy === side;
    // The refusing proxy answers at once; the server takes a few milliseconds.
    if (!refused)
      run.clock.advance(i === sent.length - 1 ? 900 : 40, i === sent.length - 1 ? 4200 : 250);
    l7Flow(run, conn, side, true, 'FORWARDED', response(side, refused, run.clock.ns - at));
  }
}

function httpFlows(run: Run, conn: Conn, r: ProbeResult): void {
  const ex = r.l7!.http!;
  const headers: HttpHeader[] = Object.entries(ex.request.headers).map(([k, v]) => ({
    key: canonicalHeader(k),
    value: v,
  }));
  headers.push({ key: 'X-Request-Id', value: uuidFrom(`${run.seed}|request-id`) });
  headers.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const base = { method: ex.request.method, url: ex.url, protocol: ex.protocol, headers };
  requestResponse(
    run,
    conn,
    r,
    () => ({ type: 'REQUEST', http: { ...base } }),
    (_side, refused, latency) =>
      refused
        ? { type: 'RESPONSE', http: { code: 403, ...base } }
        : { type: 'RESPONSE', latency_ns: latency, http: { code: ex.status, ...base } },
  );
}

function kafkaFlows(run: Run, conn: Conn, r: ProbeResult): void {
  const ex = r.l7!.kafka!;
  const req = ex.request;
  const version = req.apiVersion !== undefined ? Number(req.apiVersion) : NaN;
  const topic = req.topics[0];
  const base = {
    ...(Number.isInteger(version) && version !== 0 ? { api_version: version } : {}),
    api_key: req.apiKey,
    correlation_id: 1 + (mixedHash(`correlation:${run.seed}`) % 64),
    ...(topic ? { topic } : {}),
  };
  requestResponse(
    run,
    conn,
    r,
    () => ({ type: 'REQUEST', kafka: { ...base } }),
    (_side, refused, latency) => {
      const code = refused ? ex.errorCode || 29 : ex.errorCode;
      const kafka = { ...(code !== 0 ? { error_code: code } : {}), ...base };
      return refused
        ? { type: 'RESPONSE', kafka }
        : { type: 'RESPONSE', latency_ns: latency, kafka };
    },
  );
}

/** The DNS proxy logs the query and, only when it let it through, the answer. */
function dnsFlows(run: Run, conn: Conn, r: ProbeResult): void {
  const l7 = r.l7!;
  const check = l7.egress;
  if (!check || !check.set.proxied) return;
  const ex = l7.dns!;
  run.clock.advance(20, 120);
  l7Flow(run, conn, 'egress', false, l7.allowed ? 'FORWARDED' : 'DROPPED', {
    type: 'REQUEST',
    dns: { query: ex.query, observation_source: 'proxy', qtypes: ex.qtypes },
  });
  if (!l7.allowed) return;
  run.clock.advance(300, 1800);
  const rcode = RCODES[ex.rcode] ?? 2;
  const qtype = ex.qtypes[0] ?? 'A';
  l7Flow(run, conn, 'egress', true, 'FORWARDED', {
    type: 'RESPONSE',
    dns: {
      query: ex.query,
      ...(ex.ips.length > 0 ? { ips: ex.ips } : {}),
      ttl: ex.ips.length > 0 ? ex.ttl : NO_RECORD_TTL,
      observation_source: 'proxy',
      ...(rcode !== 0 ? { rcode } : {}),
      qtypes: ex.qtypes,
      ...(ex.ips.length > 0 ? { rrtypes: ex.ips.map(() => qtype) } : {}),
    },
  });
}

/** The flows of one connection attempt (the lookup of an `fqdn:` probe is one too). */
function connectionFlows(
  run: Run,
  r: ProbeResult,
  salt: string,
  learned: { name: string; identity?: LocalIdentity } | undefined,
): void {
  const { source, destination, port, protocol } = r;
  if (r.error || !source || !destination || port === undefined || !protocol) return;
  if (source.kind !== 'pod' && destination.kind !== 'pod') return; // no endpoint to observe it
  // A pod talking to its own address never leaves its network namespace.
  if (
    !r.service &&
    source.kind === 'pod' &&
    destination.kind === 'pod' &&
    source.pod === destination.pod
  )
    return;
  const env = run.env;
  const client = sideOf(env, source, ephemeralPort(`${r.id}#${salt}`), undefined);
  const server = sideOf(env, destination, port, destination.kind === 'world' ? learned : undefined);
  const conn: Conn = {
    client,
    server,
    protocol,
    ipVersion: client.ip.includes(':') || server.ip.includes(':') ? 'IPv6' : 'IPv4',
  };
  const proxied = {
    egress: r.proxies?.egress?.proxied === true,
    ingress: r.proxies?.ingress?.proxied === true,
  };
  const sides: [DirectionDecision | undefined, string | undefined, boolean][] = [
    [r.egress, client.node, proxied.egress],
    [r.ingress, server.node, proxied.ingress],
  ];
  for (const [d, node, redirected] of sides) {
    if (!d || d.reason === 'no-policy' || node === undefined) continue;
    run.clock.advance(5, 60);
    verdictFlows(run, conn, d, node, redirected);
    if (!d.allowed) return;
  }
  if (r.verdict === 'denied' && !r.l7) return;
  const first: Direction | undefined = proxied.egress
    ? 'egress'
    : proxied.ingress
      ? 'ingress'
      : undefined;
  if (!first) {
    plainExchange(run, conn);
    return;
  }
  proxiedExchange(run, conn, first);
  const l7 = r.l7;
  if (!l7) return;
  if (l7.protocol === 'dns') dnsFlows(run, conn, r);
  else if (l7.protocol === 'http' && l7.http) httpFlows(run, conn, r);
  else if (l7.protocol === 'kafka' && l7.kafka) kafkaFlows(run, conn, r);
}

function probeFlows(
  env: FlowEnv,
  r: ProbeResult,
  startMs: number,
): { flows: Flow[]; endMs: number } {
  const seed = `${startMs}|${r.id}`;
  const run: Run = {
    env,
    clock: new Clock(startMs, seededRandom(mixedHash(seed))),
    seed,
    count: 0,
    out: [],
  };
  run.clock.advance(100, 900);
  const lookup = r.lookup;
  if (lookup?.query) connectionFlows(run, lookup.query, 'dns', undefined);
  if (!lookup || r.destination) {
    let learned: { name: string; identity?: LocalIdentity } | undefined;
    if (lookup?.learned) {
      const identity = env.fqdn.get(lookup.name);
      learned = {
        name: lookup.name.endsWith('.') ? lookup.name.slice(0, -1) : lookup.name,
        ...(identity ? { identity } : {}),
      };
    }
    // The connection starts once the answer is in.
    if (lookup?.query) run.clock.advance(150, 900);
    connectionFlows(run, r, 'connect', learned);
  }
  return { flows: run.out, endMs: run.clock.epochMs() };
}

/** The flows of one probe, starting at `opts.start`. */
export function flowsForProbe(
  src: FlowSource,
  result: ProbeResult,
  opts: FlowOptions = {},
): Flow[] {
  return probeFlows(buildEnv(src), result, (opts.start ?? DEFAULT_START).getTime()).flows;
}

/**
 * The flows of probes run one after another: each starts on the first whole second after the
 * previous one's last record, so the output reads probe by probe.
 */
export function flowsForProbes(
  src: FlowSource,
  results: readonly ProbeResult[],
  opts: FlowOptions = {},
): Flow[] {
  const env = buildEnv(src);
  let start = (opts.start ?? DEFAULT_START).getTime();
  const out: Flow[] = [];
  for (const r of results) {
    const { flows, endMs } = probeFlows(env, r, start);
    for (const f of flows) out.push(f);
    start = Math.max(start + 1000, (Math.floor(endMs / 1000) + 1) * 1000);
  }
  return out;
}
