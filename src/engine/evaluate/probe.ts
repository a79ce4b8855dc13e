/**
 * Probes: "can A reach B on port P?" resolved against the cluster and decided per direction.
 *
 * Conventions (brief §58–59): both ends must allow; a world source has no policy of its own;
 * traffic to a Service is decided against the chosen backend and the service's targetPort (§3);
 * an address that belongs to a pod is that pod's identity (§4).
 */
import type { Cluster, ClusterNode, Pod, Service } from '../cluster/model.ts';
import type { Identity, IdentityTable } from '../identity.ts';
import { parseIP, type IpAddr } from '../ip.ts';
import type { Protocol } from '../types.ts';
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
}

export interface ProbeContext {
  cluster: Cluster;
  identities: IdentityTable;
  index: PolicyIndex;
  /** name → `port/protocol` values declared anywhere in the cluster (egress named ports, §36). */
  namedPorts: Map<string, Set<string>>;
}

class ProbeError extends Error {}

function findPod(ctx: ProbeContext, ref: string): Pod {
  const slash = ref.indexOf('/');
  if (slash < 0) throw new ProbeError(`"${ref}" is not namespace/pod`);
  const ns = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  const exact = ctx.cluster.pods.find((p) => p.namespace === ns && p.name === name);
  if (exact) return exact;
  // A workload name stands for its first pod (Deployment, StatefulSet, DaemonSet, Job).
  const owned = ctx.cluster.pods.filter(
    (p) =>
      p.namespace === ns &&
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
  const pod = ctx.cluster.pods.find((p) => p.ip === text && !p.hostNetwork);
  if (pod) return endpointOfPod(ctx, pod);
  const node = ctx.cluster.nodes.find((n) => n.ip === text);
  if (node) return { kind: 'node', node, label: `node ${node.name} (${text})` };
  return { kind: 'world', ip, text, label: text };
}

/** The backends of a service, sorted: pods matching its selector in its namespace. */
export function serviceBackends(cluster: Cluster, svc: Service): Pod[] {
  const sel = svc.selector;
  if (!sel) return [];
  return cluster.pods.filter(
    (p) =>
      p.namespace === svc.namespace &&
      p.ip !== '' &&
      Object.entries(sel).every(([k, v]) => p.labels[k] === v),
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
    return evaluate(ctx, probe);
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

function evaluate(ctx: ProbeContext, probe: Probe): ProbeResult {
  const protocol: Protocol = probe.protocol ?? 'TCP';
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP')
    throw new ProbeError(`protocol must be TCP, UDP or SCTP, not "${String(protocol)}"`);
  const source = probe.from.startsWith('ip:')
    ? endpointOfIp(ctx, probe.from.slice(3))
    : endpointOfPod(ctx, findPod(ctx, probe.from));

  let destination: Endpoint;
  let service: Service | undefined;
  let port: number | null = null;
  const rawPort = probe.port;
  const to = probe.to;
  if (to.startsWith('fqdn:'))
    throw new ProbeError(
      'fqdn: probes need the DNS stage, which this engine version does not have yet',
    );
  if (to.startsWith('svc:')) {
    const ref = to.slice(4);
    const slash = ref.indexOf('/');
    const ns = slash < 0 ? 'default' : ref.slice(0, slash);
    const name = slash < 0 ? ref : ref.slice(slash + 1);
    service = ctx.cluster.services.find((s) => s.namespace === ns && s.name === name);
    if (!service) throw new ProbeError(`service "${name}" not found in namespace "${ns}"`);
  } else if (to.startsWith('ip:')) {
    const text = to.slice(3);
    service = ctx.cluster.services.find((s) => s.clusterIP === text);
    if (!service) destination = endpointOfIp(ctx, text);
  } else {
    destination = endpointOfPod(ctx, findPod(ctx, to));
  }

  if (service) {
    const svc = service;
    if (rawPort === undefined)
      throw new ProbeError(`a probe to service ${svc.namespace}/${svc.name} needs a port`);
    const sp = svc.ports.find(
      (p) =>
        (typeof rawPort === 'number' || /^\d+$/.test(String(rawPort))
          ? p.port === Number(rawPort)
          : p.name === rawPort) && p.protocol === protocol,
    );
    if (!sp)
      throw new ProbeError(
        `service ${svc.namespace}/${svc.name} has no ${protocol} port ${String(rawPort)}`,
      );
    const backends = serviceBackends(ctx.cluster, svc);
    const backend = backends[0];
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
    egress = decideDirection(
      view,
      'egress',
      peerAs(ctx, dst, source.pod.nodeName),
      port,
      protocol,
      named,
    );
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
  const viaSvc = service ? ` via service ${service.namespace}/${service.name}` : '';
  if (egress)
    parts.push(explainDirection(egress, source.label, `${what} to ${dst.label}${viaSvc}`));
  else parts.push(`${source.label} is not a Cilium endpoint: no egress policy applies`);
  if (ingress) parts.push(explainDirection(ingress, dst.label, `${what} from ${source.label}`));
  else parts.push(`${dst.label} is not a Cilium endpoint: no ingress policy applies`);
  // Lead with the side that decided a denial.
  if (!allowed && egress?.allowed && ingress && !ingress.allowed) parts.reverse();
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
  };
}
