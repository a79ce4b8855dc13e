/**
 * Name resolution as a program in a pod does it: /etc/hosts, then the search list of the pod's
 * resolv.conf (`<ns>.svc.cluster.local svc.cluster.local cluster.local`, `options ndots:5`),
 * each candidate sent to kube-dns as a DNS probe. So egress policy and DNS rules apply to every
 * query, the DNS proxy can refuse them, and Hubble sees them.
 *
 * The C library decides the walk and its timing (modelled, kept simple):
 *
 *   - A name with fewer dots than ndots (5) tries the search domains first, then the name
 *     itself; a name with a trailing dot is tried alone. musl tries a name with 5 dots or more
 *     alone, glibc tries it first and then the search list.
 *   - Each candidate is one A and one AAAA query, sent together (getaddrinfo with AF_UNSPEC).
 *   - NXDOMAIN moves on to the next candidate. An answer with addresses ends the walk.
 *   - REFUSED (the Cilium DNS proxy's answer to a query no rule allows) ends the walk: musl's
 *     resolver gives up on any rcode other than NOERROR/NXDOMAIN, and glibc's res_search treats
 *     REFUSED as a non-recoverable error too. So an allowed name can still fail when one of its
 *     search-list expansions is refused first.
 *   - An empty NOERROR (no records of the type) ends the walk on musl and moves on on glibc.
 *   - A dropped query (UDP 53 denied at L3/L4) gets no answer: musl waits its 5 s timeout,
 *     resending at half time, then gives up (EAI_AGAIN) without trying further candidates;
 *     glibc waits 5 s per attempt, 2 attempts, then gives up the same way.
 *   - An answered round trip takes 1 ms.
 */
import { searchList, type Rcode } from '../../../engine/dns/resolver.ts';
import type { ProbeResult } from '../../../engine/evaluate/probe.ts';
import { normaliseName } from '../../../engine/l7/dns.ts';
import type { SimWorld } from '../../world.ts';
import { isIPv4, type Client, type Libc, type Timeline } from './common.ts';

export type QType = 'A' | 'AAAA' | 'PTR';

/** The cluster's DNS server as resolv.conf names it. */
export const NAMESERVER = '10.96.0.10';

/** musl's and glibc's default `options timeout:5 attempts:2`. */
export const RESOLVER_TIMEOUT_MS = 5000;
export const RESOLVER_ATTEMPTS = 2;
/** One answered query (or an A+AAAA pair sent together). */
export const DNS_ROUND_TRIP_MS = 1;

/** How long a resolver waits for a query that never gets an answer. */
export function resolverWaitMs(libc: Libc): number {
  return libc === 'musl' ? RESOLVER_TIMEOUT_MS : RESOLVER_TIMEOUT_MS * RESOLVER_ATTEMPTS;
}

/** Resend times of an unanswered query, from when it was first sent. */
export function resendTimesMs(libc: Libc): number[] {
  return libc === 'musl' ? [RESOLVER_TIMEOUT_MS / RESOLVER_ATTEMPTS] : [RESOLVER_TIMEOUT_MS];
}

/** One DNS query and what came of it. */
export type QueryOutcome =
  | {
      kind: 'answer';
      /** The query name, no trailing dot. */
      name: string;
      qtype: QType;
      rcode: Rcode;
      ips: string[];
      /** CoreDNS answers cluster.local names with the aa flag. */
      authoritative: boolean;
      /** Whether the Cilium DNS proxy answered it itself (a refusal). */
      byProxy: boolean;
      result?: ProbeResult;
    }
  | { kind: 'dropped'; name: string; qtype: QType; result?: ProbeResult };

export interface QueryOptions {
  id: string;
  /** Record the flows in Hubble's buffer (world.probe) or only decide (engine.probe). */
  record?: boolean;
  /** Another server than kube-dns (`nslookup NAME 8.8.8.8`, `dig @1.1.1.1`). */
  server?: string;
  /**
   * What the same query got when it was decided earlier (`record: false`) under another id:
   * recorded under this one without deciding it again.
   */
  decided?: ProbeResult;
}

/** Sends one query from the client to kube-dns (or another server) as a probe. */
export function sendQuery(
  world: SimWorld,
  client: Client,
  name: string,
  qtype: QType,
  opts: QueryOptions,
): QueryOutcome {
  const bare = name.replace(/\.$/, '');
  const server = opts.server ?? NAMESERVER;
  const to = server === NAMESERVER ? 'svc:kube-system/kube-dns' : `ip:${server}`;
  const probe = {
    id: opts.id,
    from: client.ref,
    to,
    port: 53,
    protocol: 'UDP' as const,
    dns: { query: normaliseName(bare), type: qtype },
  };
  let result: ProbeResult;
  if (opts.decided) {
    // The id is all a query's result takes from its probe (it salts the client port).
    result = { ...opts.decided, id: probe.id };
    world.record(probe, result);
  } else result = opts.record === false ? world.engine.probe(probe) : world.probe(probe).result;
  const dns = result.l7?.dns;
  if (!dns || result.error) return { kind: 'dropped', name: bare, qtype, result };
  const byProxy = result.l7?.allowed === false;
  let ips = dns.ips;
  let rcode = dns.rcode;
  if (qtype === 'PTR' && !byProxy) {
    const ptr = reverseName(world, bare);
    rcode = ptr ? 'NOERROR' : 'NXDOMAIN';
    ips = ptr ? [ptr] : [];
  }
  return {
    kind: 'answer',
    name: bare,
    qtype,
    rcode,
    ips,
    authoritative: isClusterName(bare) || qtype === 'PTR',
    byProxy,
    result,
  };
}

export function isClusterName(name: string): boolean {
  const n = name.replace(/\.$/, '').toLowerCase();
  return n === 'cluster.local' || n.endsWith('.cluster.local');
}

/** The reverse-lookup (PTR) name of an IPv4 address: `a.b.c.d` asks for `d.c.b.a.in-addr.arpa`. */
export function ptrName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/**
 * What CoreDNS answers for a reverse name `d.c.b.a.in-addr.arpa`: a ClusterIP names its
 * service; a pod address behind a service gets `a-b-c-d.<svc>.<ns>.svc.cluster.local`.
 */
export function reverseName(world: SimWorld, name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/i.exec(name.replace(/\.$/, ''));
  if (!m) return undefined;
  const ip = `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
  const cluster = world.engine.cluster;
  const svc = cluster.services.find((s) => s.clusterIP === ip);
  if (svc) return `${svc.name}.${svc.namespace}.svc.cluster.local`;
  const pod = cluster.pods.find((p) => p.ip === ip && !p.hostNetwork);
  if (!pod) return undefined;
  const behind = cluster.services
    .filter(
      (s) =>
        s.namespace === pod.namespace &&
        s.selector !== undefined &&
        Object.entries(s.selector).every(([k, v]) => pod.labels[k] === v),
    )
    .sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  return behind
    ? `${ip.replace(/\./g, '-')}.${behind.name}.${behind.namespace}.svc.cluster.local`
    : undefined;
}

/** The names getaddrinfo tries for `typed`, in order (see the module comment). */
export function searchCandidates(typed: string, namespace: string, libc: Libc): string[] {
  const name = typed.toLowerCase();
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = (name.match(/\./g) ?? []).length;
  const expanded = searchList(namespace).map((d) => `${name}.${d.replace(/\.$/, '')}`);
  if (dots >= 5) return libc === 'musl' ? [name] : [name, ...expanded];
  return [...expanded, name];
}

export type ResolveError =
  /** Every candidate answered NXDOMAIN. */
  | 'nxdomain'
  /** A query was refused (the DNS proxy) or failed otherwise. */
  | 'refused'
  /** An empty answer ended the walk. */
  | 'nodata'
  /** No answer at all: the resolver timed out. */
  | 'timeout'
  /** The caller's deadline came first (curl's --connect-timeout / -m). */
  | 'deadline';

export type Resolution =
  | {
      ok: true;
      /** As typed. */
      host: string;
      /** The name the addresses belong to, no trailing dot (the typed name for literals). */
      canonical: string;
      addresses: string[];
      v6: string[];
      /** literal: an IP; hosts: /etc/hosts; cluster: a cluster.local answer; public: elsewhere. */
      source: 'literal' | 'hosts' | 'cluster' | 'public';
      /**
       * For a public name with `deferPublicA`: the A query of the final candidate was decided but
       * not recorded, because the connection's `fqdn:` probe repeats it (so toFQDNs rules learn
       * the address) and records it then.
       */
      deferredA?: boolean;
    }
  | { ok: false; host: string; error: ResolveError; queried: string[] };

export interface ResolveOptions {
  /** Probe id prefix; each query gets `<id>:<n>`. */
  id: string;
  /** Elapsed time on the timeline at which the caller gives up. */
  deadline?: number;
  /** Which record types to ask for (default both, as getaddrinfo does). */
  families?: readonly ('A' | 'AAAA')[];
  /** Leave the final public A query to the connection's probe (see `Resolution.deferredA`). */
  deferPublicA?: boolean;
}

/** /etc/hosts in a pod, as the kubelet writes it. */
export function etcHosts(client: Client, name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n === 'localhost' || n === 'localhost.localdomain') return '127.0.0.1';
  if (n === client.pod && client.ip) return client.ip;
  return undefined;
}

/** Resolves `host` from the client pod, advancing `tl` for every wait. */
export function resolveHost(
  world: SimWorld,
  tl: Timeline,
  client: Client,
  host: string,
  opts: ResolveOptions,
): Resolution {
  const families = opts.families ?? ['A', 'AAAA'];
  if (isIPv4(host))
    return { ok: true, host, canonical: host, addresses: [host], v6: [], source: 'literal' };
  const fromHosts = etcHosts(client, host);
  if (fromHosts === '127.0.0.1' && !families.includes('A'))
    return { ok: true, host, canonical: 'localhost', addresses: [], v6: ['::1'], source: 'hosts' };
  if (fromHosts && families.includes('A'))
    return {
      ok: true,
      host,
      canonical: host.replace(/\.$/, ''),
      addresses: [fromHosts],
      v6: [],
      source: 'hosts',
    };
  const candidates = searchCandidates(host, client.namespace, client.libc);
  const queried: string[] = [];
  let seq = 0;
  for (const [i, name] of candidates.entries()) {
    const last = i === candidates.length - 1;
    const deferA = opts.deferPublicA === true && !isClusterName(name) && families.includes('A');
    // Decide first without recording when the A query may be left to the connection.
    const send = (qtype: 'A' | 'AAAA', record: boolean, decided?: ProbeResult) =>
      sendQuery(world, client, name, qtype, { id: `${opts.id}:${++seq}`, record, decided });
    let outcomes: QueryOutcome[];
    let deferred = false;
    if (deferA) {
      const a = send('A', false);
      deferred = a.kind === 'answer' && a.rcode === 'NOERROR' && a.ips.length > 0;
      // Not left to the connection after all: recorded now, with the decision already made.
      const recordedA = deferred ? a : send('A', true, a.result);
      outcomes = [recordedA, ...(families.includes('AAAA') ? [send('AAAA', true)] : [])];
    } else {
      outcomes = families.map((f) => send(f, true));
    }
    queried.push(name);

    if (outcomes.every((o) => o.kind === 'dropped')) {
      // Nothing came back: wait the resolver out, resending at its interval.
      const start = tl.elapsed;
      const wait = resolverWaitMs(client.libc);
      for (const at of resendTimesMs(client.libc)) {
        if (opts.deadline !== undefined && start + at >= opts.deadline) break;
        tl.until(start + at);
        for (const f of families) send(f, true);
      }
      if (opts.deadline !== undefined && start + wait >= opts.deadline) {
        tl.until(opts.deadline);
        return { ok: false, host, error: 'deadline', queried };
      }
      tl.until(start + wait);
      return { ok: false, host, error: 'timeout', queried };
    }
    tl.wait(DNS_ROUND_TRIP_MS);
    if (opts.deadline !== undefined && tl.elapsed > opts.deadline) {
      return { ok: false, host, error: 'deadline', queried };
    }
    const answers = outcomes.filter(
      (o): o is Extract<QueryOutcome, { kind: 'answer' }> => o.kind === 'answer',
    );
    if (answers.some((a) => a.rcode !== 'NOERROR' && a.rcode !== 'NXDOMAIN'))
      return { ok: false, host, error: 'refused', queried };
    if (answers.some((a) => a.rcode === 'NXDOMAIN')) {
      if (last) return { ok: false, host, error: 'nxdomain', queried };
      continue;
    }
    const v4 = answers.filter((a) => a.qtype === 'A').flatMap((a) => a.ips);
    const v6 = answers.filter((a) => a.qtype === 'AAAA').flatMap((a) => a.ips);
    if (v4.length + v6.length > 0) {
      return {
        ok: true,
        host,
        canonical: name,
        addresses: v4,
        v6,
        source: isClusterName(name) ? 'cluster' : 'public',
        ...(deferred ? { deferredA: true } : {}),
      };
    }
    if (client.libc === 'musl' || last) return { ok: false, host, error: 'nodata', queried };
  }
  return { ok: false, host, error: 'nxdomain', queried };
}
