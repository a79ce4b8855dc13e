/**
 * Opening a connection from a pod: the policy engine decides whether the SYN gets through, the
 * application table (../../apps.ts) decides whether something listens, and simulated time passes
 * the way the kernel would spend it.
 *
 * Timing model:
 *   - A dropped SYN (Cilium's default `policy-deny-response: none`) gets no answer. The kernel
 *     resends it after 1, 3, 7, 15, 31 and 63 s (tcp_syn_retries=6) and gives up about 130 s
 *     after the first one (127 s plus the retransmit timer's slack seen on real nodes). Each
 *     resend is probed again, so Hubble shows one drop per SYN, as on a real node.
 *   - A tool's own timeout (`curl --connect-timeout`, `nc -w`) ends the wait earlier.
 *   - A handshake, an RST from a closed port, or Cilium's refusal for a service with no
 *     backends take 1 ms.
 */
import type { ClusterNode, Pod } from '../../../engine/cluster/model.ts';
import type { Probe, ProbeResult } from '../../../engine/evaluate/probe.ts';
import {
  listenerAt,
  nodeListener,
  publicListener,
  upstreamRefused,
  type Listener,
} from '../../apps.ts';
import type { SimWorld } from '../../world.ts';
import type { Client, Timeline } from './common.ts';

export const KERNEL_CONNECT_TIMEOUT_MS = 130_000;
/** When the kernel sends the SYN again, counted from the first one. */
export const SYN_RESEND_MS = [1000, 3000, 7000, 15_000, 31_000, 63_000];
export const HANDSHAKE_MS = 1;

/** Where a connection goes. */
export interface Destination {
  /** The host as the user typed it. */
  host: string;
  /** The address connected to. */
  address: string;
  /**
   * Connect through an `fqdn:` probe: the name was resolved from outside the cluster's
   * zone, so the engine repeats the lookup through the DNS proxy and toFQDNs rules can match.
   */
  fqdn?: string;
}

/** Who answers at the other end. */
export type Peer =
  | { kind: 'pod'; pod: Pod }
  | { kind: 'node'; node: ClusterNode }
  | { kind: 'world'; address: string }
  | { kind: 'self' };

export type ConnectOutcome =
  | {
      kind: 'connected';
      listener: Listener;
      peer: Peer;
      /** The decision without the request; `record` makes the real one. */
      decision?: ProbeResult;
      /**
       * Records the connection (with an HTTP request inside it, if given) and returns it;
       * `httpStatus` is what the application answers when the proxies let the request through.
       */
      record: (http?: Probe['http'], httpStatus?: number) => ProbeResult | undefined;
    }
  | { kind: 'refused'; peer?: Peer }
  | { kind: 'timeout'; reason: 'deadline' | 'kernel' };

export interface ConnectOptions {
  id: string;
  protocol?: 'TCP' | 'UDP';
  /** Elapsed time on the timeline at which the caller stops waiting. */
  deadline?: number;
}

/** Addresses that stay inside the pod's network namespace. */
function isLocal(client: Client, address: string): boolean {
  return address.startsWith('127.') || (client.ip !== '' && address === client.ip);
}

function peerOf(result: ProbeResult, dest: Destination): Peer | undefined {
  const d = result.destination;
  if (!d) return undefined;
  if (d.kind === 'pod') return { kind: 'pod', pod: d.pod };
  if (d.kind === 'node') return { kind: 'node', node: d.node };
  return { kind: 'world', address: dest.fqdn ?? d.text };
}

function listenerOf(
  peer: Peer,
  port: number,
  protocol: 'TCP' | 'UDP',
  host: string,
): Listener | undefined {
  switch (peer.kind) {
    case 'pod':
      return listenerAt(peer.pod, port, protocol);
    case 'node':
      return nodeListener(peer.node, port, protocol);
    case 'world':
      return publicListener(host, port, protocol);
    case 'self':
      return undefined;
  }
}

/**
 * Opens a connection to `dest:port` from the client, waiting on `tl` as the kernel would. A
 * NodePort on a node's address is followed to its service, as Cilium's socket load balancer does.
 */
export function connect(
  world: SimWorld,
  tl: Timeline,
  client: Client,
  dest: Destination,
  port: number,
  opts: ConnectOptions,
): ConnectOutcome {
  const protocol = opts.protocol ?? 'TCP';
  const deadline = Math.min(opts.deadline ?? Infinity, tl.elapsed + KERNEL_CONNECT_TIMEOUT_MS);

  if (isLocal(client, dest.address)) {
    const listener = client.model ? listenerAt(client.model, port, protocol) : undefined;
    tl.wait(HANDSHAKE_MS);
    if (!listener) return { kind: 'refused', peer: { kind: 'self' } };
    return { kind: 'connected', listener, peer: { kind: 'self' }, record: () => undefined };
  }

  let to = dest.fqdn ? `fqdn:${dest.fqdn}` : `ip:${dest.address}`;
  let probePort = port;
  const node = world.engine.cluster.nodes.find((n) => n.ip === dest.address);
  if (node) {
    const svc = world.engine.cluster.services.find((s) =>
      s.ports.some((p) => p.nodePort === port && p.protocol === protocol),
    );
    const sp = svc?.ports.find((p) => p.nodePort === port && p.protocol === protocol);
    if (svc && sp) {
      to = `svc:${svc.namespace}/${svc.name}`;
      probePort = sp.port;
    }
  }
  const base: Probe = { id: opts.id, from: client.ref, to, port: probePort, protocol };
  const decision = world.engine.probe(base);

  const waitForNothing = (recordDrops: boolean): ConnectOutcome => {
    const start = tl.elapsed;
    // UDP has no handshake to wait for: the datagram leaves and the caller decides how long
    // to listen for an answer.
    if (protocol === 'UDP') {
      if (recordDrops) world.record(base, decision);
      return { kind: 'timeout', reason: 'deadline' };
    }
    if (recordDrops) {
      world.record(base, decision);
      // An fqdn: probe would repeat its DNS lookup on every resend: record the first SYN only.
      if (!dest.fqdn)
        for (const at of SYN_RESEND_MS) {
          if (start + at >= deadline) break;
          tl.until(start + at);
          world.record(base, decision);
        }
    }
    tl.until(deadline);
    return {
      kind: 'timeout',
      reason: deadline === (opts.deadline ?? Infinity) ? 'deadline' : 'kernel',
    };
  };

  if (decision.error) return waitForNothing(false);
  if (decision.verdict === 'denied' && !decision.l7) {
    // A ClusterIP with no backends: Cilium's socket load balancer refuses at connect().
    if (decision.service && !decision.destination) {
      tl.wait(HANDSHAKE_MS);
      return { kind: 'refused' };
    }
    return waitForNothing(true);
  }

  const peer = peerOf(decision, dest);
  if (!peer) return waitForNothing(false);
  const host = dest.fqdn ?? dest.host;
  let listener = listenerOf(peer, decision.port ?? port, protocol, host);
  if (!listener && protocol === 'TCP') {
    const viaHttpProxy = [decision.proxies?.egress, decision.proxies?.ingress].some(
      (s) => s?.proxied && s.protocols.includes('http'),
    );
    if (viaHttpProxy) {
      // Envoy accepts the connection itself and only then finds nothing behind it.
      listener = { app: 'envoy', speaks: 'http', serve: (_req, env) => upstreamRefused(env.now) };
    } else if (peer.kind === 'world') {
      // A filtered port on the internet: the SYN leaves and nothing comes back.
      return waitForNothing(true);
    } else {
      world.record(base, decision);
      tl.wait(HANDSHAKE_MS);
      return { kind: 'refused', peer };
    }
  }
  if (!listener) {
    // UDP with nothing listening: the datagram is delivered, the kernel answers ICMP unreachable.
    world.record(base, decision);
    tl.wait(HANDSHAKE_MS);
    return { kind: 'refused', peer };
  }
  tl.wait(HANDSHAKE_MS);
  return {
    kind: 'connected',
    listener,
    peer,
    decision,
    record: (http, httpStatus) => {
      // A request is a probe of its own; the bare connection is the one decided above (it has
      // no HTTP answer for an application status to go into).
      if (!http) {
        world.record(base, decision);
        return decision;
      }
      return world.probe({ ...base, http }, httpStatus !== undefined ? { httpStatus } : {}).result;
    },
  };
}
