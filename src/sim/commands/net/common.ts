/**
 * What the network tools share: the client pod a command runs in, simulated time, probe ids,
 * the C library's behaviour, and the answer for commands typed on the learner's own machine.
 */
import type { Pod } from '../../../engine/cluster/model.ts';
import { fnv1a } from '../../../engine/hash.ts';
import { imageRepository } from '../../shell/state.ts';
import type { CommandContext, OutputChunk, PodLocation } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';

/**
 * A command context that may say whether stdout is a terminal. The interactive pod shell is one
 * (the default); `kubectl exec POD -- curl …` without `-t` is not, and can pass `tty: false`.
 */
export type NetContext = CommandContext<SimWorld> & { tty?: boolean };

export function stdoutIsTerminal(ctx: NetContext): boolean {
  return ctx.tty ?? true;
}

/** Which C library the image's programs use: it decides resolver timing and error texts. */
export type Libc = 'musl' | 'glibc';

/** Alpine-based images: curlimages/curl, busybox as the lessons use it, alpine, netshoot. */
const MUSL_REPOS = new Set(['curlimages/curl', 'busybox', 'alpine', 'nicolaka/netshoot']);

export function libcOf(image: string): Libc {
  const repo = imageRepository(image);
  if (MUSL_REPOS.has(repo)) return 'musl';
  // `python:3.12-alpine`, `node:20-alpine`...
  const tag = image.split('@')[0]!.split('/').pop()!.split(':')[1] ?? '';
  return /alpine/.test(tag) ? 'musl' : 'glibc';
}

/** strerror(ETIMEDOUT), which the two libraries word differently. */
export function timedOutText(libc: Libc): string {
  return libc === 'musl' ? 'Operation timed out' : 'Connection timed out';
}

/** The pod a command runs in, as the network sees it. */
export interface Client {
  namespace: string;
  pod: string;
  image: string;
  libc: Libc;
  /** `namespace/pod` for probes. */
  ref: string;
  /** The pod as the cluster has it; absent when it no longer exists. */
  model?: Pod;
  /** Its address ('' when unknown). */
  ip: string;
}

export function clientOf(world: SimWorld, loc: PodLocation): Client {
  const model = world.engine.cluster.pods.find(
    (p) => p.namespace === loc.namespace && p.name === loc.pod,
  );
  return {
    namespace: loc.namespace,
    pod: loc.pod,
    image: loc.image,
    libc: libcOf(loc.image),
    ref: `${loc.namespace}/${loc.pod}`,
    ...(model ? { model } : {}),
    ip: model?.ip ?? '',
  };
}

/**
 * Simulated time spent by one command. Every wait goes through `world.advance`, so background
 * traffic and flow timestamps follow the clock.
 */
export class Timeline {
  /** Milliseconds since the command started. */
  elapsed = 0;
  constructor(readonly world: SimWorld) {}
  wait(ms: number): void {
    if (!(ms > 0)) return;
    this.world.advance(ms);
    this.elapsed += ms;
  }
  /** Waits until `ms` after the start (no-op when already past). */
  until(ms: number): void {
    this.wait(ms - this.elapsed);
  }
}

/** Distinct, deterministic probe ids per world: `curl-1`, `curl-2`, ... */
const counters = new WeakMap<SimWorld, number>();
export function nextId(world: SimWorld, tool: string): string {
  const n = (counters.get(world) ?? 0) + 1;
  counters.set(world, n);
  return `${tool}-${n}`;
}

/** A client's ephemeral port for one connection (Linux's range), stable per probe id. */
export function localPort(id: string): number {
  return 32768 + (fnv1a(`port:${id}`) % (60999 - 32768 + 1));
}

export function isIPv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255 && String(Number(o)) === o);
}

/** Well-known ports as /etc/services names them (the subset lessons use). */
export const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  www: 80,
  pop3: 110,
  imap: 143,
  https: 443,
  mysql: 3306,
  postgresql: 5432,
  postgres: 5432,
  redis: 6379,
  'http-alt': 8080,
  webcache: 8080,
  kafka: 9092,
};

export function serviceName(port: number): string | undefined {
  for (const [name, p] of Object.entries(SERVICES))
    if (p === port && name !== 'www' && name !== 'postgres' && name !== 'webcache') return name;
  return undefined;
}

// ---- the learner's own machine ---------------------------------------------------------

/**
 * Commands typed at the host prompt run on the learner's machine, outside the cluster. Its pod
 * network is out of reach there, and waiting two minutes for a timeout teaches nothing, so
 * cluster names and addresses get the error a laptop would show right away plus a hint to open
 * a shell in a pod. Public names of the lesson's zone answer as the internet would, with no
 * policy involved (the traffic never enters the cluster).
 */
export type HostTarget =
  { kind: 'public'; address: string; name: string } | { kind: 'cluster' } | { kind: 'unknown' };

export function hostTarget(world: SimWorld, host: string): HostTarget {
  const name = host.replace(/\.$/, '').toLowerCase();
  if (isIPv4(name)) {
    const cluster = world.engine.cluster;
    const inCluster =
      name.startsWith('10.244.') ||
      cluster.pods.some((p) => p.ip === name) ||
      cluster.services.some((s) => s.clusterIP === name) ||
      cluster.nodes.some((n) => n.ip === name) ||
      inServiceRange(name);
    return inCluster ? { kind: 'cluster' } : { kind: 'public', address: name, name };
  }
  if (name.endsWith('.cluster.local') || name === 'cluster.local' || !name.includes('.'))
    return { kind: 'cluster' };
  for (const [k, v] of Object.entries(world.engine.publicZone)) {
    if (k.replace(/\.$/, '').toLowerCase() === name && v[0])
      return { kind: 'public', address: v[0], name };
  }
  // `web.shop`, `web.shop.svc`: Kubernetes names a laptop cannot resolve.
  const first = name.split('.')[0];
  if (world.engine.cluster.services.some((s) => s.name === first)) return { kind: 'cluster' };
  return { kind: 'unknown' };
}

function inServiceRange(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 10 && b !== undefined && b >= 96 && b <= 111;
}

/** The hint printed with the error when a cluster destination is used from the host. */
export function outsideHint(tool: string): OutputChunk {
  return {
    stream: 'stderr',
    text: `${tool}: note: this prompt is your own machine, outside the cluster: pod and service addresses are not reachable from here.\n${tool}: open a shell in a pod first, for example: kubectl exec -it <pod> -n <namespace> -- sh\n`,
  };
}
