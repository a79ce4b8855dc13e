/**
 * busybox `ping`. It only opens a raw ICMP socket, so in curlimages/curl, which runs as the
 * unprivileged curl_user, it fails before sending anything: `ping: permission denied (are you
 * root?)`, exit 1, whatever the policy. In root images (busybox, alpine, netshoot) it works.
 *
 * How Cilium treats ICMP: an endpoint no policy selects in a direction lets it through; rules
 * without `toPorts` (L3 only) allow every protocol, ICMP included; port rules (TCP/UDP) do not.
 * The engine decides TCP/UDP/SCTP only, so ICMP is read off a decision for an unused TCP port:
 * a side allows ICMP when it has no policy, or when an L3-only rule (or a rule for every port
 * and protocol) matched. `icmps:` rules are not modelled (they count as not matching), and the
 * pings leave no Hubble flows. Services answer no ping (they are TCP/UDP only).
 *
 * Without `-c`, ping would run until Ctrl-C: here it sends 4 packets and stops as if Ctrl-C had
 * been pressed. A lost reply is waited for `-W` seconds (10 by default) after the last packet.
 */
import type { DirectionDecision } from '../../../engine/evaluate/decide.ts';
import { fnv1a } from '../../../engine/hash.ts';
import { imageRepository } from '../../shell/state.ts';
import { err, out, type CommandResult } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import {
  clientOf,
  hostTarget,
  nextId,
  outsideHint,
  Timeline,
  type Client,
  type NetContext,
} from './common.ts';
import { resolveHost } from './resolve.ts';

export const PING_HELP = [
  'send ICMP echo requests (busybox ping): ping [-c COUNT] [-W SECS] HOST',
  '  needs root: curlimages/curl runs as a normal user and gets "permission denied".',
  '  Cilium lets ICMP through where no policy applies or an L3-only rule matches; port',
  '  rules (toPorts) do not allow it.',
].join('\n');

/** Images whose programs run as an unprivileged user. */
const NON_ROOT = new Set(['curlimages/curl']);

const USAGE = `BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.

Usage: ping [OPTIONS] HOST

Send ICMP ECHO_REQUESTs to HOST

	-4,-6		Force IP or IPv6 name resolution
	-c CNT		Send only CNT pings
	-s SIZE		Send SIZE data bytes in packets (default 56)
	-i SECS		Interval
	-A		Ping as soon as reply is received
	-t TTL		Set TTL
	-I IFACE/IP	Source interface or IP address
	-W SEC		Seconds to wait for the first response (default 10)
			(after all -c CNT packets are sent)
	-w SEC		Seconds until ping exits (default:infinite)
			(can exit earlier with -c CNT)
	-q		Quiet, only display output at start/finish
	-p HEXBYTE	Payload pattern
`;

interface PingArgs {
  count?: number;
  waitReply: number;
  deadline?: number;
  size: number;
  quiet: boolean;
  host?: string;
}

function parsePing(argv: readonly string[]): PingArgs | undefined {
  const a: PingArgs = { waitReply: 10, size: 56, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (!s.startsWith('-') || s === '-') {
      if (a.host !== undefined) return undefined;
      a.host = s;
      continue;
    }
    for (let j = 1; j < s.length; j++) {
      const c = s[j]!;
      if ('cWwsitIp'.includes(c)) {
        const v = j + 1 < s.length ? s.slice(j + 1) : argv[++i];
        if (v === undefined) return undefined;
        const n = Number(v);
        if (c === 'c') a.count = n;
        else if (c === 'W') a.waitReply = n;
        else if (c === 'w') a.deadline = n;
        else if (c === 's') a.size = n;
        if ('cWws'.includes(c) && !Number.isInteger(n)) return undefined;
        break;
      }
      if (c === 'q') a.quiet = true;
      else if (c === '4' || c === '6' || c === 'A' || c === 'n' || c === 'v') continue;
      else return undefined;
    }
  }
  return a.host === undefined ? undefined : a;
}

/** Whether one side of a decision lets ICMP through (see the module comment). */
function icmpAllowed(d: DirectionDecision | undefined): boolean {
  if (!d) return true;
  if (d.reason === 'no-policy' || d.reason === 'local-host' || d.reason === 'no-default-deny')
    return true;
  if (d.reason !== 'allow-rule') return false;
  return d.matches.some(
    (m) =>
      m.portRules === null ||
      m.portRules.some((pr) => pr.entry.ports.some((p) => p.port === 0 && p.protocol === 'ANY')),
  );
}

/** Whether an echo request from the client to `address` gets its reply, and the reply's TTL. */
function echo(world: SimWorld, client: Client, address: string): { ok: boolean; ttl: number } {
  if (address.startsWith('127.') || address === client.ip) return { ok: true, ttl: 64 };
  const cluster = world.engine.cluster;
  if (cluster.services.some((s) => s.clusterIP === address)) return { ok: false, ttl: 0 };
  const r = world.engine.probe({
    id: 'ping',
    from: client.ref,
    to: `ip:${address}`,
    port: 7,
    protocol: 'TCP',
  });
  if (r.error || !r.destination) return { ok: false, ttl: 0 };
  if (!icmpAllowed(r.egress) || !icmpAllowed(r.ingress)) return { ok: false, ttl: 0 };
  const d = r.destination;
  if (d.kind === 'world') return { ok: true, ttl: 116 };
  if (d.kind === 'node') return { ok: true, ttl: 64 };
  const sameNode = d.pod.nodeName === client.model?.nodeName;
  return { ok: true, ttl: sameNode ? 64 : 63 };
}

function ms3(us: number): string {
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

export function ping(ctx: NetContext): CommandResult {
  const a = parsePing(ctx.argv.slice(1));
  if (!a) return { out: [err(USAGE)], exitCode: 1 };
  const host = a.host!;
  const loc = ctx.shell.location;
  const world = ctx.world;
  if (loc.kind === 'pod' && NON_ROOT.has(imageRepository(loc.image)))
    return { out: [err('ping: permission denied (are you root?)\n')], exitCode: 1 };

  const tl = new Timeline(world);
  let address: string;
  let reply: (seq: number) => { ok: boolean; ttl: number };
  if (loc.kind === 'host') {
    const target = hostTarget(world, host);
    if (target.kind !== 'public')
      return {
        out: [
          err(`ping: bad address '${host}'\n`),
          ...(target.kind === 'cluster' ? [outsideHint('ping')] : []),
        ],
        exitCode: 1,
      };
    address = target.address;
    reply = () => ({ ok: true, ttl: 116 });
  } else {
    const client = clientOf(world, loc);
    const res = resolveHost(world, tl, client, host, { id: nextId(world, 'ping') });
    if (!res.ok || !res.addresses[0])
      return { out: [err(`ping: bad address '${host}'\n`)], exitCode: 1, elapsedMs: tl.elapsed };
    address = res.addresses[0];
    const verdict = echo(world, client, address);
    reply = () => verdict;
  }

  const interrupted = a.count === undefined && a.deadline === undefined;
  const count = a.count ?? (a.deadline !== undefined ? a.deadline : 4);
  let text = `PING ${host} (${address}): ${a.size} data bytes\n`;
  const times: number[] = [];
  for (let seq = 0; seq < count; seq++) {
    if (seq > 0) tl.wait(1000);
    const r = reply(seq);
    if (!r.ok) continue;
    const us = 40 + (fnv1a(`${address}:${seq}:${world.clock.now()}`) % 90);
    const rtt = r.ttl === 116 ? 9000 + us * 40 : us;
    times.push(rtt);
    if (!a.quiet)
      text += `${a.size + 8} bytes from ${address}: seq=${seq} ttl=${r.ttl} time=${ms3(rtt)} ms\n`;
  }
  if (times.length < count && !interrupted) tl.wait(a.waitReply * 1000);
  // Ctrl-C comes about a second after the last packet.
  else if (interrupted) tl.wait(1000);
  if (interrupted) text += '^C\n';
  const loss = Math.floor(((count - times.length) * 100) / count);
  text += `\n--- ${host} ping statistics ---\n${count} packets transmitted, ${times.length} packets received, ${loss}% packet loss\n`;
  if (times.length > 0) {
    const min = Math.min(...times);
    const max = Math.max(...times);
    const avg = Math.floor(times.reduce((s, t) => s + t, 0) / times.length);
    text += `round-trip min/avg/max = ${ms3(min)}/${ms3(avg)}/${ms3(max)} ms\n`;
  }
  return { out: [out(text)], exitCode: times.length === 0 ? 1 : 0, elapsedMs: tl.elapsed };
}
