/**
 * Probes: "can A reach B on port P?" resolved against the cluster and decided per direction.
 *
 * Conventions (brief §58–59): both ends must allow; a world source has no policy of its own;
 * traffic to a Service is decided against the chosen backend and the service's targetPort (§3);
 * an address that belongs to a pod is that pod's identity (§4).
 */
import type { Cluster, ClusterNode, Pod, Service } from '../cluster/model.ts';
import { answer, type DnsAnswer, type PublicZone, type Rcode } from '../dns/resolver.ts';
import { normaliseName } from '../l7/dns.ts';
import type { HttpRequest } from '../l7/http.ts';
import { KAFKA_API_KEYS, type KafkaRequest } from '../l7/kafka.ts';
import { describeRule, policyName } from '../explain.ts';
import type { RuleOrigin } from '../policy/model.ts';
import type { Identity, IdentityTable } from '../identity.ts';
import { parseIP, type IpAddr } from '../ip.ts';
import type { Direction, EngineOptions, Protocol } from '../types.ts';
import { checkDns, checkHttp, checkKafka, l7SetOf, type L7Check, type L7Set } from './l7.ts';
import type { PolicyIndex } from './policy-index.ts';
import {
  decideDirection,
  type DirectionDecision,
  type NamedPortResolver,
  type PeerRef,
} from './decide.ts';
import { explainDirection } from '../explain.ts';

/** A probe as written in a probes file. */
export interface Probe {
  id: string;
  from: string;
  to: string;
  port?: number | string;
  protocol?: Protocol;
  http?: Record<string, unknown>;
  dns?: Record<string, unknown>;
  kafka?: Record<string, unknown>;
  expect?: 'allowed' | 'denied';
}

/** One end of a connection after resolution. */
export type Endpoint =
  | { kind: 'pod'; pod: Pod; identity: Identity; label: string }
  | { kind: 'node'; node: ClusterNode; label: string }
  | { kind: 'world'; ip: IpAddr; text: string; label: string };

/** The full outcome of a probe. */
export interface ProbeResult {
  id: string;
  verdict: 'allowed' | 'denied';
  reason: string;
  /** Present when the probe itself could not be resolved (unknown pod, bad port...). */
  error?: string;
  source?: Endpoint;
  destination?: Endpoint;
  /** The service the probe went through, if any. */
  service?: { namespace: string; name: string };
  port?: number;
  protocol?: Protocol;
  egress?: DirectionDecision;
  ingress?: DirectionDecision;
  /** The proxies on the connection's path, when L3/L4 allowed it (§5, §43). */
  proxies?: { egress?: L7Set; ingress?: L7Set };
  /** The request the probe made inside the connection, and what the proxies answered. */
  l7?: L7Result;
  /** For `fqdn:` probes: the DNS lookup that came first (§47, §58). */
  lookup?: DnsLookup;
}

/** An HTTP request and the answer the client saw. */
export interface HttpExchange {
  request: HttpRequest;
  /** `http://host/path`, as Hubble prints it. */
  url: string;
  protocol: 'HTTP/1.1';
  /** 403 when a proxy refused it; otherwise what the server answers (200). */
  status: number;
}

/** A DNS query and its answer. */
export interface DnsExchange {
  /** The query name, lower case with a trailing dot. */
  query: string;
  qtypes: string[];
  rcode: Rcode;
  ips: string[];
  ttl: number;
}

/** A Kafka request and the error code of its answer (0: none). */
export interface KafkaExchange {
  request: KafkaRequest;
  errorCode: number;
}

/** The L7 part of a probe. */
export interface L7Result {
  protocol: 'http' | 'dns' | 'kafka';
  allowed: boolean;
  /** The side whose proxy refused the request. */
  refusedBy?: Direction;
  /** The checks at each proxy the request went through (absent: no proxy on that side). */
  egress?: L7Check;
  ingress?: L7Check;
  http?: HttpExchange;
  dns?: DnsExchange;
  kafka?: KafkaExchange;
}

/** The lookup an `fqdn:` probe does before connecting. */
export interface DnsLookup {
  /** The name, lower case with a trailing dot. */
  name: string;
  /** The query to kube-dns as a probe of its own (absent for a source outside the cluster). */
  query?: ProbeResult;
  /** What came back; null when the query never got an answer from the server. */
  answer: DnsAnswer | null;
  /** Whether the answer went through the DNS proxy, so toFQDNs selectors learn its addresses. */
  learned: boolean;
}

export interface ProbeContext {
  cluster: Cluster;
  identities: IdentityTable;
  index: PolicyIndex;
  /** name → `port/protocol` values declared anywhere in the cluster (egress named ports, §36). */
  namedPorts: Map<string, Set<string>>;
  options: EngineOptions;
  /** The simulated public DNS. */
  zone: PublicZone;
}

class ProbeError extends Error {}

/** Lookups over a cluster's pods, built once per cluster model (which is immutable). */
interface PodIndex {
  byKey: Map<string, Pod>;
  byIp: Map<string, Pod>;
  byNamespace: Map<string, Pod[]>;
}
const podIndexes = new WeakMap<Cluster, PodIndex>();

function podIndex(cluster: Cluster): PodIndex {
  let ix = podIndexes.get(cluster);
  if (!ix) {
    ix = { byKey: new Map(), byIp: new Map(), byNamespace: new Map() };
    for (const p of cluster.pods) {
      ix.byKey.set(`${p.namespace}/${p.name}`, p);
      if (p.ip && !p.hostNetwork && !ix.byIp.has(p.ip)) ix.byIp.set(p.ip, p);
      const list = ix.byNamespace.get(p.namespace);
      if (list) list.push(p);
      else ix.byNamespace.set(p.namespace, [p]);
    }
    podIndexes.set(cluster, ix);
  }
  return ix;
}

function findPod(ctx: ProbeContext, ref: string): Pod {
  const slash = ref.indexOf('/');
  if (slash < 0) throw new ProbeError(`"${ref}" is not namespace/pod`);
  const ns = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  const ix = podIndex(ctx.cluster);
  const exact = ix.byKey.get(`${ns}/${name}`);
  if (exact) return exact;
  // A workload name stands for its first pod (Deployment, StatefulSet, DaemonSet, Job).
  const owned = (ix.byNamespace.get(ns) ?? []).filter(
    (p) =>
      p.owner !== undefined &&
      (p.owner.name === name ||
        (p.owner.kind === 'ReplicaSet' && p.owner.name.replace(/-[a-z0-9]+$/, '') === name)),
  );
  if (owned[0]) return owned[0];
  throw new ProbeError(`pod "${name}" not found in namespace "${ns}"`);
}

function endpointOfPod(ctx: ProbeContext, pod: Pod): Endpoint {
  const label = `${pod.namespace}/${pod.name}`;
  if (pod.hostNetwork) {
    const node = ctx.cluster.nodes.find((n) => n.name === pod.nodeName) ?? ctx.cluster.nodes[0]!;
    return { kind: 'node', node, label };
  }
  const identity = ctx.identities.byPod.get(label);
  if (!identity) throw new ProbeError(`pod ${label} has no identity`);
  return { kind: 'pod', pod, identity, label };
}

function endpointOfIp(ctx: ProbeContext, text: string): Endpoint {
  const ip = parseIP(text);
  if (!ip) throw new ProbeError(`"${text}" is not an IP address`);
  const pod = podIndex(ctx.cluster).byIp.get(text);
  if (pod) return endpointOfPod(ctx, pod);
  const node = ctx.cluster.nodes.find((n) => n.ip === text);
  if (node) return { kind: 'node', node, label: `node ${node.name} (${text})` };
  return { kind: 'world', ip, text, label: text };
}

/** The backends of a service, sorted: pods matching its selector in its namespace. */
export function serviceBackends(cluster: Cluster, svc: Service): Pod[] {
  const sel = svc.selector;
  if (!sel) return [];
  return (podIndex(cluster).byNamespace.get(svc.namespace) ?? []).filter(
    (p) => p.ip !== '' && Object.entries(sel).every(([k, v]) => p.labels[k] === v),
  );
}

function resolveTargetPort(pod: Pod, target: number | string, protocol: Protocol): number | null {
  if (typeof target === 'number') return target;
  const cp = pod.ports.find((p) => p.name === target && p.protocol === protocol);
  return cp ? cp.port : null;
}

/** How a peer looks from the deciding endpoint (node → host or remote-node, §4). */
function peerAs(ctx: ProbeContext, ep: Endpoint, observerNode: string): PeerRef {
  const r = ctx.identities.reserved;
  switch (ep.kind) {
    case 'pod':
      return { identity: ep.identity, world: false, localHost: false };
    case 'node': {
      const local = ep.node.name === observerNode;
      const key = ep.node.controlPlane
        ? local
          ? 'host+kube-apiserver'
          : 'kube-apiserver'
        : local
          ? 'host'
          : 'remote-node';
      return { identity: r.get(key)!, world: false, localHost: local };
    }
    case 'world':
      return { identity: r.get('world')!, ip: ep.ip, world: true, localHost: false };
  }
}

/** Evaluates one probe. Never throws: resolution problems come back as `error`. */
export function evaluateProbe(ctx: ProbeContext, probe: Probe): ProbeResult {
  try {
    if (probe.to.startsWith('fqdn:')) return evaluateFqdn(ctx, probe);
    return withL7(ctx, probe, connect(ctx, probe));
  } catch (err) {
    if (!(err instanceof ProbeError)) throw err;
    return {
      id: probe.id,
      verdict: 'denied',
      reason: `probe error: ${err.message}`,
      error: err.message,
    };
  }
}

/** The TTL the simulated DNS gives every record. */
const DNS_TTL = 30;

function sourceOf(ctx: ProbeContext, from: string): Endpoint {
  return from.startsWith('ip:')
    ? endpointOfIp(ctx, from.slice(3))
    : endpointOfPod(ctx, findPod(ctx, from));
}

function protocolOf(probe: Probe): Protocol {
  const protocol: Protocol = probe.protocol ?? (probe.dns ? 'UDP' : 'TCP');
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP')
    throw new ProbeError(`protocol must be TCP, UDP or SCTP, not "${String(protocol)}"`);
  return protocol;
}

/**
 * The L3/L4 part: resolve both ends (a Service to its first backend and targetPort, §3) and
 * decide egress and ingress. `fqdnNames` are the names the destination address was learned
 * under through the DNS proxy, for toFQDNs (§47).
 */
function connect(
  ctx: ProbeContext,
  probe: Probe,
  opts: { to?: string; fqdnNames?: string[]; source?: Endpoint; via?: string } = {},
): ProbeResult {
  const protocol = protocolOf(probe);
  const source = opts.source ?? sourceOf(ctx, probe.from);

  let destination: Endpoint;
  let service: Service | undefined;
  let port: number | null = null;
  const rawPort = probe.port ?? (probe.dns ? 53 : undefined);
  const to = opts.to ?? probe.to;
  if (to.startsWith('svc:')) {
    const ref = to.slice(4);
    const slash = ref.indexOf('/');
    const ns = slash < 0 ? 'default' : ref.slice(0, slash);
    const name = slash < 0 ? ref : ref.slice(slash + 1);
    service = ctx.cluster.services.find((s) => s.namespace === ns && s.name === name);
    if (!service) throw new ProbeError(`service "${name}" not found in namespace "${ns}"`);
  } else if (to.startsWith('ip:')) {
    const text = to.slice(3);
    service = ctx.cluster.services.find((s) => s.clusterIP === text && text !== 'None');
    if (!service) destination = endpointOfIp(ctx, text);
  } else {
    destination = endpointOfPod(ctx, findPod(ctx, to));
  }

  if (service) {
    const svc = service;
    if (rawPort === undefined)
      throw new ProbeError(`a probe to service ${svc.namespace}/${svc.name} needs a port`);
    const numeric = typeof rawPort === 'number' || /^\d+$/.test(String(rawPort));
    const backends = serviceBackends(ctx.cluster, svc);
    const backend = backends[0];
    if (svc.clusterIP === 'None') {
      // A headless service is only a DNS name for its pods: the client connects to a pod
      // address on the port it chose, with no translation.
      if (!backend) {
        if (!svc.manualEndpoints[0])
          throw new ProbeError(`headless service ${svc.namespace}/${svc.name} has no endpoints`);
        destination = endpointOfIp(ctx, svc.manualEndpoints[0]);
      } else destination = endpointOfPod(ctx, backend);
      service = undefined;
      if (numeric) port = Number(rawPort);
      else {
        const sp = svc.ports.find((p) => p.name === rawPort && p.protocol === protocol);
        if (!sp)
          throw new ProbeError(
            `service ${svc.namespace}/${svc.name} has no ${protocol} port named "${String(rawPort)}"`,
          );
        port = sp.port;
      }
    } else {
      const sp = svc.ports.find(
        (p) =>
          (numeric ? p.port === Number(rawPort) : p.name === rawPort) && p.protocol === protocol,
      );
      if (!sp)
        throw new ProbeError(
          `service ${svc.namespace}/${svc.name} has no ${protocol} port ${String(rawPort)}`,
        );
      if (!backend) {
        if (svc.manualEndpoints[0]) {
          destination = endpointOfIp(ctx, svc.manualEndpoints[0]);
          port = typeof sp.targetPort === 'number' ? sp.targetPort : sp.port;
        } else {
          return {
            id: probe.id,
            verdict: 'denied',
            reason: `service ${svc.namespace}/${svc.name} has no endpoints: the packet is dropped before policy`,
            source,
            service: { namespace: svc.namespace, name: svc.name },
            protocol,
          };
        }
      } else {
        destination = endpointOfPod(ctx, backend);
        port = resolveTargetPort(backend, sp.targetPort, protocol);
        if (port === null)
          throw new ProbeError(
            `backend ${backend.namespace}/${backend.name} has no container port named "${String(sp.targetPort)}"`,
          );
      }
    }
  } else if (rawPort === undefined) {
    throw new ProbeError('the probe needs a port');
  } else if (typeof rawPort === 'number' || /^\d+$/.test(String(rawPort))) {
    port = Number(rawPort);
  } else {
    // A named port refers to the destination pod's container port (§59).
    const d = destination!;
    if (d.kind !== 'pod') throw new ProbeError(`named port "${rawPort}" needs a pod destination`);
    const cp = d.pod.ports.find((p) => p.name === rawPort && p.protocol === protocol);
    if (!cp) throw new ProbeError(`pod ${d.label} has no ${protocol} port named "${rawPort}"`);
    port = cp.port;
  }
  const dst = destination!;
  if (port === null || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new ProbeError(`port ${String(rawPort)} is not between 1 and 65535`);

  const what = `${protocol}/${port}`;
  if (!service && source.kind === 'pod' && dst.kind === 'pod' && source.pod === dst.pod) {
    return {
      id: probe.id,
      verdict: 'allowed',
      reason: `${source.label} reaches its own address inside its network namespace: no policy applies`,
      source,
      destination: dst,
      port,
      protocol,
    };
  }
  let egress: DirectionDecision | undefined;
  let ingress: DirectionDecision | undefined;
  if (source.kind === 'pod') {
    const view = ctx.index.view(source.identity.index, 'egress');
    const named: NamedPortResolver = (name, p, proto) =>
      ctx.namedPorts.get(name)?.has(`${p}/${proto}`) ?? false;
    const peer = peerAs(ctx, dst, source.pod.nodeName);
    if (peer.world && opts.fqdnNames) peer.fqdnNames = opts.fqdnNames;
    egress = decideDirection(view, 'egress', peer, port, protocol, named);
  }
  if (dst.kind === 'pod') {
    const view = ctx.index.view(dst.identity.index, 'ingress');
    const pod = dst.pod;
    const named: NamedPortResolver = (name, p, proto) =>
      pod.ports.some((c) => c.name === name && c.port === p && c.protocol === proto);
    ingress = decideDirection(
      view,
      'ingress',
      peerAs(ctx, source, pod.nodeName),
      port,
      protocol,
      named,
    );
  }
  const allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true);
  const parts: string[] = [];
  const viaSvc = service ? ` via service ${service.namespace}/${service.name}` : (opts.via ?? '');
  if (egress)
    parts.push(explainDirection(egress, source.label, `${what} to ${dst.label}${viaSvc}`));
  else parts.push(`${source.label} is not a Cilium endpoint: no egress policy applies`);
  if (ingress) parts.push(explainDirection(ingress, dst.label, `${what} from ${source.label}`));
  else parts.push(`${dst.label} is not a Cilium endpoint: no ingress policy applies`);
  // Lead with the side that decided a denial.
  if (!allowed && egress?.allowed && ingress && !ingress.allowed) parts.reverse();
  const proxies: { egress?: L7Set; ingress?: L7Set } = {};
  if (allowed) {
    const v = ctx.options.ciliumVersion;
    if (egress) proxies.egress = l7SetOf(egress, v);
    if (ingress) proxies.ingress = l7SetOf(ingress, v);
  }
  return {
    id: probe.id,
    verdict: allowed ? 'allowed' : 'denied',
    reason: parts.join('; '),
    source,
    destination: dst,
    ...(service ? { service: { namespace: service.namespace, name: service.name } } : {}),
    port,
    protocol,
    ...(egress ? { egress } : {}),
    ...(ingress ? { ingress } : {}),
    ...(allowed ? { proxies } : {}),
  };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function str(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ProbeError(`${what} must be a string`);
}

/** The request an `http:` probe sends; Host defaults to what curl would send for the target. */
function httpRequestOf(probe: Probe, r: ProbeResult, host?: string): HttpRequest {
  const h = probe.http ?? {};
  const headers: Record<string, string> = {};
  if (h.headers !== undefined) {
    if (!isObj(h.headers))
      throw new ProbeError('http.headers must be a mapping of header name to value');
    for (const [k, v] of Object.entries(h.headers)) headers[k] = str(v, `header ${k}`) ?? '';
  }
  let path = str(h.path, 'http.path') ?? '/';
  if (!path.startsWith('/') && path !== '*') path = `/${path}`;
  let defaultHost = host;
  if (defaultHost === undefined) {
    if (r.service) defaultHost = `${r.service.name}.${r.service.namespace}.svc.cluster.local`;
    else if (r.destination?.kind === 'pod') defaultHost = r.destination.pod.ip;
    else if (r.destination?.kind === 'world') defaultHost = r.destination.text;
    else if (r.destination?.kind === 'node') defaultHost = r.destination.node.ip;
    else defaultHost = 'localhost';
  }
  // curl sends the port in Host unless it is the scheme's default; for a Service that is the
  // service port the client used, not the backend's targetPort.
  const shownPort = r.service ? Number(probe.port) : r.port;
  if (shownPort !== undefined && shownPort !== 80 && Number.isFinite(shownPort))
    defaultHost = `${defaultHost}:${shownPort}`;
  return {
    method: str(h.method, 'http.method') ?? 'GET',
    path,
    host: str(h.host, 'http.host') ?? defaultHost,
    headers,
  };
}

function kafkaRequestOf(probe: Probe): KafkaRequest {
  const k = probe.kafka ?? {};
  const topics: string[] = [];
  const topic = str(k.topic, 'kafka.topic');
  if (topic !== undefined) topics.push(topic);
  if (Array.isArray(k.topics)) for (const t of k.topics) topics.push(String(t));
  const apiVersion = str(k.apiVersion, 'kafka.apiVersion');
  const clientID = str(k.clientID, 'kafka.clientID');
  // A numeric key names the same API as its word: 0 is produce, 1 fetch, ...
  let apiKey = (str(k.apiKey, 'kafka.apiKey') ?? 'produce').toLowerCase();
  if (/^\d+$/.test(apiKey)) {
    const named = Object.entries(KAFKA_API_KEYS).find(([, n]) => n === Number(apiKey));
    if (!named) throw new ProbeError(`kafka.apiKey ${apiKey} is not a known Kafka API key`);
    apiKey = named[0];
  }
  return {
    apiKey,
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(clientID !== undefined ? { clientID } : {}),
    topics,
  };
}

/** Which proxy speaks which protocol, for messages. */
const PROXY_NAME = { http: 'HTTP proxy (Envoy)', dns: 'DNS proxy', kafka: 'Kafka proxy' };

/** Kafka's TOPIC_AUTHORIZATION_FAILED, which the proxy answers for a refused request. */
export const KAFKA_TOPIC_AUTHORIZATION_FAILED = 29;

function describeAllowed(c: L7Check): string {
  if (c.matchedRules.length > 0) {
    const by = c.allowedBy.map((o) => `${describeRule(o)}`).join('; ');
    return `allowed by ${by} (${c.matchedRules.map((m) => m.path).join(', ')})`;
  }
  if (c.set.wildcard)
    return `allowed: ${c.allowedBy.map((o) => describeRule(o)).join('; ')} allows this peer and port without L7 rules, so every request passes (the traffic is still proxied for visibility)`;
  return 'allowed';
}

function rulesListed(set: L7Set, kind: 'http' | 'dns' | 'kafka'): string {
  const refs = set[kind] as { origin: RuleOrigin }[];
  const names = [...new Set(refs.map((r) => policyName(r.origin.policy)))];
  return names.length > 0 ? names.join(', ') : 'the policies on this port';
}

/**
 * One request through the proxies on the path: the client's egress proxy first, then the
 * server's ingress proxy (§43). A proxy of another protocol on the port cannot parse the request.
 */
function throughProxies(
  r: ProbeResult,
  kind: 'http' | 'kafka' | 'dns',
  test: (set: L7Set) => L7Check,
): { egress?: L7Check; ingress?: L7Check; refusedBy?: Direction; why?: string } {
  const out: { egress?: L7Check; ingress?: L7Check; refusedBy?: Direction; why?: string } = {};
  for (const dir of ['egress', 'ingress'] as const) {
    const set = r.proxies?.[dir];
    if (!set || !set.proxied) continue;
    if (kind === 'dns' && dir === 'ingress') continue; // DNS rules exist on egress only (§45)
    if (!set.protocols.includes(kind)) {
      const c: L7Check = {
        direction: dir,
        allowed: false,
        allowedBy: [],
        matchedRules: [],
        set,
      };
      out[dir] = c;
      out.refusedBy = dir;
      out.why = `the port is redirected to the ${dir} ${PROXY_NAME[set.protocols[0] ?? 'http']}, which cannot parse ${kind.toUpperCase()}`;
      return out;
    }
    const c = test(set);
    out[dir] = c;
    if (!c.allowed) {
      out.refusedBy = dir;
      return out;
    }
  }
  return out;
}

/** Why a request passed: what each proxy on the way matched, or that none applies. */
function passedProxies(p: { egress?: L7Check; ingress?: L7Check }): string {
  const checks = [p.egress, p.ingress].filter((c): c is L7Check => c !== undefined);
  return checks.length === 0
    ? 'no L7 rules apply, so every request passes'
    : checks.map((c) => `${c.direction} proxy: ${describeAllowed(c)}`).join('; ');
}

/** Adds the L7 request of an `http:`, `dns:` or `kafka:` probe to its L3/L4 result. */
function withL7(ctx: ProbeContext, probe: Probe, r: ProbeResult, host?: string): ProbeResult {
  const kind = probe.http ? 'http' : probe.dns ? 'dns' : probe.kafka ? 'kafka' : null;
  if (kind === null) return r;
  if (r.verdict === 'denied') {
    if (r.error || !r.destination) return r;
    return { ...r, reason: `dropped at L3/L4, the request never reaches a proxy: ${r.reason}` };
  }
  const who = (dir: Direction) =>
    dir === 'egress'
      ? `the egress proxy of ${r.source!.label}`
      : `the ingress proxy of ${r.destination!.label}`;
  if (kind === 'http') {
    const request = httpRequestOf(probe, r, host);
    const url = `http://${request.host}${request.path}`;
    const p = throughProxies(r, 'http', (set) => checkHttp(set, request));
    const allowed = p.refusedBy === undefined;
    const l7: L7Result = {
      protocol: 'http',
      allowed,
      ...p,
      http: { request, url, protocol: 'HTTP/1.1', status: allowed ? 200 : 403 },
    };
    const line = `${request.method} ${url}`;
    if (!allowed) {
      const dir = p.refusedBy!;
      const set = r.proxies![dir]!;
      const why =
        p.why ??
        `no HTTP rule of ${rulesListed(set, 'http')} matches ${request.method} ${request.path} (Host ${request.host})`;
      return {
        ...r,
        verdict: 'denied',
        reason: `403 by proxy: ${who(dir)} answered 403 Access denied to ${line}: ${why}; L3/L4: ${r.reason}`,
        l7,
      };
    }
    return { ...r, reason: `${line}: ${passedProxies(p)}; L3/L4: ${r.reason}`, l7 };
  }
  if (kind === 'kafka') {
    const request = kafkaRequestOf(probe);
    const p = throughProxies(r, 'kafka', (set) => checkKafka(set, request));
    const allowed = p.refusedBy === undefined;
    const l7: L7Result = {
      protocol: 'kafka',
      allowed,
      ...p,
      kafka: { request, errorCode: allowed ? 0 : KAFKA_TOPIC_AUTHORIZATION_FAILED },
    };
    const line = `Kafka ${request.apiKey}${request.topics.length ? ` topic ${request.topics.join(',')}` : ''}`;
    if (!allowed) {
      const dir = p.refusedBy!;
      const why = p.why ?? `no Kafka rule of ${rulesListed(r.proxies![dir]!, 'kafka')} matches`;
      return {
        ...r,
        verdict: 'denied',
        reason: `refused by proxy: ${who(dir)} answered ${line} with TOPIC_AUTHORIZATION_FAILED: ${why}; L3/L4: ${r.reason}`,
        l7,
      };
    }
    return { ...r, reason: `${line}: ${passedProxies(p)}; L3/L4: ${r.reason}`, l7 };
  }
  // DNS
  const d = probe.dns ?? {};
  const typed = str(d.query, 'dns.query') ?? str(d.name, 'dns.name');
  if (!typed) throw new ProbeError('dns.query is required (the name to look up)');
  const query = normaliseName(typed);
  const qtype = (str(d.type, 'dns.type') ?? 'A').toUpperCase();
  const p = throughProxies(r, 'dns', (set) => checkDns(set, query));
  if (p.refusedBy) {
    const rcode: Rcode = ctx.options.dnsRejectResponseCode === 'nameError' ? 'NXDOMAIN' : 'REFUSED';
    const set = r.proxies!.egress!;
    const why = p.why ?? `no DNS rule of ${rulesListed(set, 'dns')} matches ${query}`;
    return {
      ...r,
      verdict: 'denied',
      reason: `${rcode} by the DNS proxy of ${r.source!.label}: ${why}; L3/L4: ${r.reason}`,
      l7: {
        protocol: 'dns',
        allowed: false,
        ...p,
        dns: { query, qtypes: [qtype], rcode, ips: [], ttl: 0 },
      },
    };
  }
  const a = answer(ctx.cluster, ctx.zone, query);
  const ips = qtype === 'A' ? a.addresses : [];
  const l7: L7Result = {
    protocol: 'dns',
    allowed: true,
    ...p,
    dns: { query, qtypes: [qtype], rcode: a.rcode, ips, ttl: DNS_TTL },
  };
  const result = a.rcode === 'NOERROR' ? (ips.length ? ips.join(', ') : 'no records') : a.rcode;
  const proxied = p.egress
    ? `DNS proxy: ${describeAllowed(p.egress)}`
    : 'not proxied (no DNS rules on this port)';
  return {
    ...r,
    reason: `query ${query} ${qtype} answered ${result}; ${proxied}; L3/L4: ${r.reason}`,
    l7,
  };
}

/** The cluster's DNS service: kube-system/kube-dns, or whatever selects the CoreDNS pods. */
function dnsService(ctx: ProbeContext): Service {
  const svc =
    ctx.cluster.services.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns') ??
    ctx.cluster.services.find((s) => s.clusterIP === '10.96.0.10');
  if (!svc) throw new ProbeError('the cluster has no kube-dns service to resolve names with');
  return svc;
}

/**
 * `to: fqdn:name`: look the name up through kube-dns (subject to egress policy and DNS rules),
 * then connect to the first address (§47, §58). The name is taken as absolute: no search list.
 * An address is selectable by toFQDNs only when the lookup went through the DNS proxy.
 */
function evaluateFqdn(ctx: ProbeContext, probe: Probe): ProbeResult {
  const typed = probe.to.slice(5).trim();
  if (!typed) throw new ProbeError('fqdn: needs a name, e.g. fqdn:api.github.com');
  const name = normaliseName(typed);
  const source = sourceOf(ctx, probe.from);
  let lookup: DnsLookup;
  if (source.kind === 'pod') {
    const svc = dnsService(ctx);
    const dnsPort = svc.ports.find((p) => p.protocol === 'UDP') ?? svc.ports[0];
    const query: Probe = {
      id: probe.id,
      from: probe.from,
      to: `svc:${svc.namespace}/${svc.name}`,
      port: dnsPort?.port ?? 53,
      protocol: dnsPort?.protocol ?? 'UDP',
      dns: { query: name },
    };
    const q = withL7(ctx, query, connect(ctx, query, { source }));
    const delivered = q.verdict === 'allowed';
    const learned =
      delivered && q.l7?.egress !== undefined && q.l7.egress.set.protocols.includes('dns');
    lookup = {
      name,
      query: q,
      answer: delivered ? answer(ctx.cluster, ctx.zone, name) : null,
      learned,
    };
    if (!delivered) {
      return {
        id: probe.id,
        verdict: 'denied',
        reason: `the DNS lookup of ${name} failed, so there is nothing to connect to: ${q.reason}`,
        source,
        lookup,
      };
    }
  } else {
    // A client outside the cluster uses its own resolver: no policy is involved.
    lookup = { name, answer: answer(ctx.cluster, ctx.zone, name), learned: false };
  }
  const a = lookup.answer!;
  if (a.rcode !== 'NOERROR' || a.addresses.length === 0) {
    return {
      id: probe.id,
      verdict: 'denied',
      reason: `${name} does not resolve (${a.rcode === 'NOERROR' ? 'no addresses' : a.rcode}${a.authoritative ? '' : "; add it to the probes file's dns: map to simulate a public name"})`,
      source,
      lookup,
    };
  }
  const ip = a.addresses[0]!;
  const r = connect(ctx, probe, {
    to: `ip:${ip}`,
    source,
    fqdnNames: lookup.learned ? [name] : [],
    via: ` (${name})`,
  });
  const host = name.slice(0, -1);
  const withLookup: ProbeResult = {
    ...r,
    reason: `${name} resolved to ${ip}${lookup.learned ? ' through the DNS proxy' : ' without the DNS proxy, so toFQDNs rules never learn it'}; ${r.reason}`,
    lookup,
  };
  return withL7(ctx, probe, withLookup, host);
}
