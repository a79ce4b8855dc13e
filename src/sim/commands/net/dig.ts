/**
 * `dig` (BIND 9.18, as in netshoot). Unlike the C library it does not use the search list unless
 * `+search` is given: `dig web` asks for `web.` itself. Layout:
 *   - CoreDNS answers cluster.local names with `flags: qr aa rd` and, since the names end in
 *     .local, dig warns about multicast DNS; it echoes dig's EDNS cookie.
 *   - Names it forwards upstream come back `qr rd ra`.
 *   - The Cilium DNS proxy's refusal is a bare reply: `status: REFUSED`, `flags: qr rd`, no OPT
 *     record, hence `ADDITIONAL: 0`.
 *   - With no reply, dig tries 3 times 5 s and prints `;; communications error … timed out` for
 *     each, then `;; no servers could be reached`, exit 9. Any reply exits 0.
 * `+short` prints only the answer data.
 */
import { fnv1a } from '../../../engine/hash.ts';
import { err, out, type CommandResult } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import {
  clientOf,
  hostTarget,
  isIPv4,
  nextId,
  outsideHint,
  Timeline,
  type Client,
  type NetContext,
} from './common.ts';
import {
  DNS_ROUND_TRIP_MS,
  NAMESERVER,
  ptrName,
  searchCandidates,
  sendQuery,
  type QType,
} from './resolve.ts';

export const DIG_VERSION = '9.18.33';
const TRIES = 3;
const TRY_MS = 5000;

export const DIG_HELP = [
  'query DNS in detail (BIND dig, in netshoot): dig [@SERVER] NAME [A|AAAA|PTR] [+short] [+search]',
  '  -x ADDR reverse lookup; +search applies the pod search list (off by default in dig).',
  '  Shows the status (NOERROR, NXDOMAIN, REFUSED from the Cilium DNS proxy) and the answer.',
].join('\n');

/** Width of a line as a terminal shows it (tab stops every 8 columns). */
function visualLength(s: string): number {
  let n = 0;
  for (const c of s) n = c === '\t' ? n + 8 - (n % 8) : n + 1;
  return n;
}

/** Pads with tabs up to column `col`, or adds one space when the text is already past it. */
function pad(line: string, col: number): string {
  const len = visualLength(line);
  if (len >= col) return `${line} `;
  let s = line;
  let n = len;
  while (n < col) {
    s += '\t';
    n += 8 - (n % 8);
  }
  return s;
}

/** Formats one record as dig prints it. */
export function recordLine(name: string, ttl: number, type: string, data: string): string {
  let l = pad(name, 24) + String(ttl);
  l = pad(l, 32) + 'IN';
  l = pad(l, 40) + type;
  l = pad(l, 48) + data;
  return l;
}

/** The question line: `;name.` then class and type at columns 32 and 40. */
export function questionLine(name: string, type: string): string {
  return pad(pad(`;${name}`, 32) + 'IN', 40) + type;
}

/** Wire length of a name: one length byte per label plus the labels, plus the root. */
function wireLength(name: string): number {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return labels.reduce((n, l) => n + l.length + 1, 0) + 1;
}

function whenText(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

interface DigArgs {
  name?: string;
  type: QType;
  server: string;
  short: boolean;
  search: boolean;
  reverse: boolean;
}

function parseDig(argv: readonly string[]): DigArgs | string {
  const a: DigArgs = { type: 'A', server: NAMESERVER, short: false, search: false, reverse: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (s.startsWith('@')) a.server = s.slice(1);
    else if (s === '+short') a.short = true;
    else if (s === '+search') a.search = true;
    else if (s.startsWith('+')) continue;
    else if (s === '-t') {
      const t = (argv[++i] ?? '').toUpperCase();
      if (t !== 'A' && t !== 'AAAA' && t !== 'PTR') return `dig: invalid type: ${argv[i] ?? ''}`;
      a.type = t;
    } else if (s === '-x') {
      const ip = argv[++i] ?? '';
      if (!isIPv4(ip)) return `dig: '${ip}' is not a legal IPv4 address`;
      a.name = ptrName(ip);
      a.type = 'PTR';
      a.reverse = true;
    } else if (/^(A|AAAA|PTR)$/i.test(s) && a.name !== undefined) a.type = s.toUpperCase() as QType;
    else if (s.startsWith('-')) return `Invalid option: ${s}`;
    else a.name = s;
  }
  return a;
}

function header(args: readonly string[]): string {
  return `\n; <<>> DiG ${DIG_VERSION} <<>> ${args.join(' ')}\n;; global options: +cmd\n`;
}

export function dig(ctx: NetContext): CommandResult {
  const args = ctx.argv.slice(1);
  const parsed = parseDig(args);
  if (typeof parsed === 'string') return { out: [err(`${parsed}\n`)], exitCode: 1 };
  const a = parsed;
  const world = ctx.world;
  const loc = ctx.shell.location;
  const name = a.name ?? '.';
  if (loc.kind === 'host') {
    const target = hostTarget(world, name);
    if (target.kind === 'cluster')
      return {
        out: [out(`${header(args)};; no servers could be reached\n`), outsideHint('dig')],
        exitCode: 9,
      };
  }
  if (loc.kind === 'host')
    return { out: [out(`${header(args)};; no servers could be reached\n`)], exitCode: 9 };
  const client = clientOf(world, loc);
  const tl = new Timeline(world);
  const id = nextId(world, 'dig');
  const names =
    a.search && !a.reverse
      ? searchCandidates(name, client.namespace, 'glibc')
      : [name.replace(/\.$/, '')];
  let seq = 0;
  let text = '';
  for (const [i, n] of names.entries()) {
    const send = () =>
      sendQuery(world, client, n, a.type, {
        id: `${id}:${++seq}`,
        ...(a.server !== NAMESERVER ? { server: a.server } : {}),
      });
    let o = send();
    if (o.kind === 'dropped') {
      let errors = '';
      for (let t = 1; t <= TRIES; t++) {
        tl.wait(TRY_MS);
        errors += `;; communications error to ${a.server}#53: timed out\n`;
        if (t < TRIES) o = send();
      }
      return {
        out: [out(`${errors}${header(args)};; no servers could be reached\n`)],
        exitCode: 9,
        elapsedMs: tl.elapsed,
      };
    }
    tl.wait(DNS_ROUND_TRIP_MS);
    if (o.rcode === 'NXDOMAIN' && i < names.length - 1 && !o.byProxy) continue;
    if (a.short) {
      text =
        o.rcode === 'NOERROR'
          ? o.ips.map((ip) => `${a.type === 'PTR' ? `${ip}.` : ip}\n`).join('')
          : '';
      return { out: text ? [out(text)] : [], exitCode: 0, elapsedMs: tl.elapsed };
    }
    text = formatReply(world, client, args, n, a, o.rcode, o.ips, o.byProxy);
    return { out: [out(text)], exitCode: 0, elapsedMs: tl.elapsed };
  }
  return { out: [out(text)], exitCode: 0, elapsedMs: tl.elapsed };
}

function formatReply(
  world: SimWorld,
  client: Client,
  args: readonly string[],
  name: string,
  a: DigArgs,
  rcode: string,
  ips: string[],
  byProxy: boolean,
): string {
  const fq = `${name.replace(/\.$/, '')}.`;
  const local = /\.local\.$/.test(fq);
  const authoritative = local || a.type === 'PTR';
  const msgId = fnv1a(`${client.ref}:${fq}:${world.clock.now()}`) % 65536;
  const answers = rcode === 'NOERROR' ? ips : [];
  const soa = rcode === 'NXDOMAIN' || (rcode === 'NOERROR' && answers.length === 0);
  let s = header(args);
  s += ';; Got answer:\n';
  if (local && !byProxy)
    s +=
      ';; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n';
  s += `;; ->>HEADER<<- opcode: QUERY, status: ${rcode}, id: ${msgId}\n`;
  const flags = byProxy ? 'qr rd' : authoritative ? 'qr aa rd' : 'qr rd ra';
  s += `;; flags: ${flags}; QUERY: 1, ANSWER: ${answers.length}, AUTHORITY: ${soa && !byProxy ? 1 : 0}, ADDITIONAL: ${byProxy ? 0 : 1}\n`;
  if (!flags.includes('ra')) s += ';; WARNING: recursion requested but not available\n';
  s += '\n';
  if (!byProxy) {
    const cookie = (fnv1a(`cookie:${msgId}`).toString(16) + fnv1a(`cookie2:${msgId}`).toString(16))
      .padStart(16, '0')
      .slice(0, 16);
    s += `;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n; COOKIE: ${cookie} (echoed)\n`;
  }
  s += `;; QUESTION SECTION:\n${questionLine(fq, a.type)}\n`;
  let size = 12 + wireLength(fq) + 4;
  if (answers.length > 0) {
    s += '\n;; ANSWER SECTION:\n';
    for (const ip of answers) {
      const data = a.type === 'PTR' ? `${ip}.` : ip;
      s += `${recordLine(fq, 30, a.type, data)}\n`;
      size +=
        wireLength(fq) + 10 + (a.type === 'PTR' ? wireLength(ip) : a.type === 'AAAA' ? 16 : 4);
    }
  }
  if (soa && !byProxy) {
    const zone = local ? 'cluster.local.' : '.';
    const data = local
      ? 'ns.dns.cluster.local. hostmaster.cluster.local. 1772438400 7200 1800 86400 30'
      : 'a.root-servers.net. nstld.verisign-grs.com. 2026030200 1800 900 604800 86400';
    s += `\n;; AUTHORITY SECTION:\n${recordLine(zone, 30, 'SOA', data)}\n`;
    size += local ? 90 : 75;
  }
  if (!byProxy) size += 23;
  s += `\n;; Query time: 0 msec\n;; SERVER: ${a.server}#53(${a.server}) (UDP)\n;; WHEN: ${whenText(world.clock.date())}\n;; MSG SIZE  rcvd: ${size}\n\n`;
  return s;
}
