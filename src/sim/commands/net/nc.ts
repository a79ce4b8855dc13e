/**
 * `nc`: busybox's netcat (the nc 1.10 clone Alpine builds, in curlimages/curl, busybox and
 * alpine images) or OpenBSD netcat (netshoot). Messages go to stderr.
 *
 * busybox, `nc -v -z -w 2 HOST PORT`:
 *   open      `HOST (IP:PORT) open`, exit 0
 *   timeout   `nc: HOST (IP:PORT): Operation timed out` (glibc: Connection timed out), exit 1;
 *             without `-w` the kernel's SYN retries decide (about 130 s)
 *   refused   nothing with one -v, `nc: HOST (IP:PORT): Connection refused` with -vv, exit 1
 *   no name   `nc: bad address 'HOST'`, exit 1
 * OpenBSD:
 *   open      `Connection to HOST (IP) PORT port [tcp/NAME] succeeded!`
 *   timeout   `nc: connect to HOST (IP) port PORT (tcp) timed out: Operation now in progress`
 *   refused   `nc: connect to HOST (IP) port PORT (tcp) failed: Connection refused`
 *
 * Without `-z`, what stdin holds is sent (an HTTP request piped in gets the server's answer on
 * stdout); with nothing to send the connection is closed at once, where a real terminal would
 * sit waiting for typing until Ctrl-C. `-l` (listening) is not simulated.
 */
import type { Probe } from '../../../engine/evaluate/probe.ts';
import { accessDenied, type AppRequest, type HttpResponse } from '../../apps.ts';
import { imageRepository } from '../../shell/state.ts';
import { err, out, type CommandResult, type OutputChunk } from '../../shell/types.ts';
import {
  clientOf,
  hostTarget,
  isIPv4,
  nextId,
  outsideHint,
  SERVICES,
  serviceName,
  Timeline,
  timedOutText,
  type NetContext,
} from './common.ts';
import { connect } from './connect.ts';
import { resolveHost } from './resolve.ts';

const BUSYBOX_USAGE = `BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.

Usage: nc [OPTIONS] HOST PORT  - connect
nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen

	-e PROG	Run PROG after connect (must be last)
	-l	Listen mode, for inbound connects
	-lk	With -e, provides persistent server
	-p PORT	Local port
	-s ADDR	Local address
	-w SEC	Timeout for connects and final net reads
	-i SEC	Delay interval for lines sent
	-n	Don't do DNS resolution
	-u	UDP mode
	-b	Allow broadcasts
	-v	Verbose
	-o FILE	Hex dump traffic
	-z	Zero-I/O mode (scanning)
`;

export const NC_HELP = [
  'open a TCP (or UDP) connection: nc [-v] [-z] [-w SECS] [-u] HOST PORT',
  '  -z only check that the port accepts connections   -v say what happened',
  '  -w SECS give up connecting after SECS (without it the kernel waits about 130 s)',
  '  -u UDP   -n no DNS lookup   -vv also report refused ports',
  'busybox nc (curlimages/curl, busybox): "HOST (IP:PORT) open" or "…: Operation timed out";',
  'a refused port prints nothing with one -v. Pipe a request in to send it: ',
  '  printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc web 80',
].join('\n');

interface NcArgs {
  verbose: number;
  zero: boolean;
  udp: boolean;
  numeric: boolean;
  listen: boolean;
  wait?: number;
  operands: string[];
}

function parseNc(argv: readonly string[]): NcArgs | string {
  const a: NcArgs = {
    verbose: 0,
    zero: false,
    udp: false,
    numeric: false,
    listen: false,
    operands: [],
  };
  const valued = 'pswieo';
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (s === '--') {
      a.operands.push(...argv.slice(i + 1));
      break;
    }
    if (!s.startsWith('-') || s === '-') {
      a.operands.push(s);
      continue;
    }
    for (let j = 1; j < s.length; j++) {
      const c = s[j]!;
      if (valued.includes(c)) {
        const v = j + 1 < s.length ? s.slice(j + 1) : argv[++i];
        if (v === undefined) return `nc: option requires an argument -- '${c}'`;
        if (c === 'w') {
          if (!/^\d+$/.test(v)) return `nc: invalid number '${v}'`;
          a.wait = Number(v);
        }
        break;
      }
      if (c === 'v') a.verbose++;
      else if (c === 'z') a.zero = true;
      else if (c === 'u') a.udp = true;
      else if (c === 'n') a.numeric = true;
      else if (c === 'l') a.listen = true;
      else if (c === 'k' || c === 'b' || c === 'N' || c === 'q') continue;
      else return `nc: invalid option -- '${c}'`;
    }
  }
  return a;
}

/** A request piped into nc, read as HTTP if it looks like one. */
function parseRawHttp(text: string): AppRequest | undefined {
  const head = text.split(/\r?\n\r?\n/)[0] ?? '';
  const lines = head.split(/\r?\n/);
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  let host = '';
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const k = l.slice(0, c).trim();
    const v = l.slice(c + 1).trim();
    if (k.toLowerCase() === 'host') host = v;
    else headers[k] = v;
  }
  return { method: m[1]!, path: m[2]!, host, headers };
}

function rawResponse(r: HttpResponse): string {
  let s = `HTTP/1.1 ${r.status} ${r.reason}\r\n`;
  for (const [k, v] of r.headers) s += `${k}: ${v}\r\n`;
  return `${s}\r\n${r.body}`;
}

export function nc(ctx: NetContext): CommandResult {
  const loc = ctx.shell.location;
  const openbsd = loc.kind === 'pod' && imageRepository(loc.image) === 'nicolaka/netshoot';
  const parsed = parseNc(ctx.argv.slice(1));
  if (typeof parsed === 'string')
    return { out: [err(`${parsed}\n${openbsd ? '' : BUSYBOX_USAGE}`)], exitCode: 1 };
  const a = parsed;
  if (a.listen)
    return {
      out: [err('nc: listening for connections is not simulated here; connect to a pod instead\n')],
      exitCode: 1,
    };
  if (a.operands.length !== 2)
    return {
      out: [
        err(
          openbsd
            ? 'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n'
            : BUSYBOX_USAGE,
        ),
      ],
      exitCode: 1,
    };
  const [host, portText] = a.operands as [string, string];
  const port = /^\d+$/.test(portText) ? Number(portText) : SERVICES[portText.toLowerCase()];
  if (port === undefined || port < 1 || port > 65535)
    return {
      out: [err(openbsd ? `nc: service "${portText}" unknown\n` : `nc: bad port '${portText}'\n`)],
      exitCode: 1,
    };

  const world = ctx.world;
  const chunks: OutputChunk[] = [];
  if (loc.kind === 'host') {
    const target = hostTarget(world, host);
    if (target.kind === 'public' && (port === 80 || port === 443)) {
      if (a.verbose) chunks.push(err(`${host} (${target.address}:${port}) open\n`));
      return { out: chunks, exitCode: 0 };
    }
    chunks.push(
      err(
        target.kind === 'cluster' && isIPv4(host)
          ? `nc: ${host} (${host}:${port}): Operation timed out\n`
          : `nc: bad address '${host}'\n`,
      ),
    );
    if (target.kind === 'cluster') chunks.push(outsideHint('nc'));
    return { out: chunks, exitCode: 1 };
  }

  const client = clientOf(world, loc);
  const tl = new Timeline(world);
  const id = nextId(world, 'nc');
  const proto = a.udp ? 'udp' : 'tcp';
  if (a.numeric && !isIPv4(host)) {
    return {
      out: [
        err(
          openbsd
            ? `nc: getaddrinfo for host "${host}" port ${portText}: Name does not resolve\n`
            : `nc: bad address '${host}'\n`,
        ),
      ],
      exitCode: 1,
    };
  }
  const res = resolveHost(world, tl, client, host, { id, deferPublicA: true });
  if (!res.ok) {
    const why =
      res.error === 'timeout'
        ? 'Try again'
        : res.error === 'refused'
          ? 'Non-recoverable error'
          : 'Name does not resolve';
    chunks.push(
      err(
        openbsd
          ? `nc: getaddrinfo for host "${host}" port ${portText}: ${why}\n`
          : `nc: bad address '${host}'\n`,
      ),
    );
    return { out: chunks, exitCode: 1, elapsedMs: tl.elapsed };
  }
  const address = res.addresses[0]!;
  const dotted = `${address}:${port}`;
  const literal = res.source === 'literal';
  const openMsg = openbsd
    ? `Connection to ${literal ? address : `${host} (${address})`} ${port} port [${proto}/${serviceName(port) ?? '*'}] succeeded!\n`
    : `${host} (${dotted}) open\n`;
  const failMsg = (what: 'refused' | 'timeout', withW: boolean) =>
    openbsd
      ? what === 'refused'
        ? `nc: connect to ${literal ? address : `${host} (${address})`} port ${port} (${proto}) failed: Connection refused\n`
        : withW
          ? `nc: connect to ${literal ? address : `${host} (${address})`} port ${port} (${proto}) timed out: Operation now in progress\n`
          : `nc: connect to ${literal ? address : `${host} (${address})`} port ${port} (${proto}) failed: ${timedOutText(client.libc)}\n`
      : `nc: ${host} (${dotted}): ${what === 'refused' ? 'Connection refused' : timedOutText(client.libc)}\n`;

  const deadline = a.wait !== undefined && a.wait > 0 ? tl.elapsed + a.wait * 1000 : undefined;
  const outcome = connect(
    world,
    tl,
    client,
    { host, address, ...(res.source === 'public' ? { fqdn: res.canonical } : {}) },
    port,
    { id, protocol: a.udp ? 'UDP' : 'TCP', ...(deadline !== undefined ? { deadline } : {}) },
  );

  if (a.udp) {
    // A UDP "connection" always opens; with -z, busybox writes a byte, waits -w seconds and
    // writes again: an ICMP port unreachable in between makes the second write fail.
    if (outcome.kind === 'connected') outcome.record();
    if (a.zero && a.wait) tl.wait(a.wait * 1000);
    if (outcome.kind === 'refused' && a.zero) {
      if (a.verbose > 1 || openbsd) chunks.push(err(failMsg('refused', false)));
      return { out: chunks, exitCode: 1, elapsedMs: tl.elapsed };
    }
    if (a.verbose) chunks.push(err(openbsd ? openMsg : `${host} (${dotted}) open\n`));
    return { out: chunks, exitCode: 0, elapsedMs: tl.elapsed };
  }

  if (outcome.kind === 'timeout') {
    if (a.verbose) chunks.push(err(failMsg('timeout', deadline !== undefined)));
    return { out: chunks, exitCode: 1, elapsedMs: tl.elapsed };
  }
  if (outcome.kind === 'refused') {
    if (a.verbose > 1 || (openbsd && a.verbose)) chunks.push(err(failMsg('refused', false)));
    return { out: chunks, exitCode: 1, elapsedMs: tl.elapsed };
  }
  if (a.verbose) chunks.push(err(openMsg));
  let sent = 0;
  let received = 0;
  if (!a.zero && ctx.stdin !== '') {
    sent = ctx.stdin.length;
    const req = parseRawHttp(ctx.stdin);
    const listener = outcome.listener;
    if (req) {
      const recorded = outcome.record({
        method: req.method,
        path: req.path,
        host: req.host || host,
        headers: req.headers,
      } as Probe['http']);
      tl.wait(2);
      let text = '';
      if (recorded?.l7?.protocol === 'http' && !recorded.l7.allowed)
        text = rawResponse(accessDenied(world.clock.date()));
      else if (listener.speaks === 'http' && listener.serve)
        text = rawResponse(
          listener.serve(
            { ...req, host: req.host || host },
            {
              now: world.clock.date(),
              ...(outcome.peer.kind === 'pod' ? { pod: outcome.peer.pod } : {}),
            },
          ),
        );
      received = text.length;
      if (text) chunks.push(out(text));
    } else {
      outcome.record();
    }
  } else {
    outcome.record();
  }
  if (a.verbose > 1 && !openbsd) chunks.push(err(`sent ${sent}, rcvd ${received}\n`));
  return { out: chunks, exitCode: 0, elapsedMs: tl.elapsed };
}
