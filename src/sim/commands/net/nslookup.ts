/**
 * busybox `nslookup` (1.37), which has its own small resolver instead of the C library's:
 *   - with no type it asks A and AAAA; an address argument becomes a PTR query;
 *   - a name with a dot is asked as is; a name without one is asked with every search domain
 *     (and not alone);
 *   - all queries go out together; with no answer at all it resends at 2.5 s and gives up at
 *     5 s: `;; connection timed out; no servers could be reached`, exit 1;
 *   - the `Server:`/`Address:` header is printed at the first reply; each reply is followed by a
 *     blank line; `Non-authoritative answer:` precedes replies without the aa flag (names outside
 *     cluster.local); an rcode other than NOERROR prints `** server can't find NAME: RCODE` and
 *     makes the exit code 1.
 * Everything goes to stdout.
 */
import { err, out, type CommandResult } from '../../shell/types.ts';
import {
  clientOf,
  hostTarget,
  isIPv4,
  nextId,
  outsideHint,
  Timeline,
  type NetContext,
} from './common.ts';
import {
  DNS_ROUND_TRIP_MS,
  NAMESERVER,
  RESOLVER_ATTEMPTS,
  RESOLVER_TIMEOUT_MS,
  ptrName,
  sendQuery,
  type QType,
  type QueryOutcome,
} from './resolve.ts';
import { searchList } from '../../../engine/dns/resolver.ts';

export const NSLOOKUP_HELP = [
  'look a name up in DNS (busybox nslookup): nslookup [-type=A|AAAA|PTR] NAME [SERVER]',
  '  asks kube-dns (10.96.0.10) for A and AAAA records; a name without a dot is tried with',
  '  every search domain of the pod. Exit 1 when any answer is an error (NXDOMAIN, REFUSED)',
  '  or nothing answers (";; connection timed out; no servers could be reached").',
].join('\n');

const USAGE = `BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.

Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]

Query DNS about HOST

QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any
`;

export function nslookup(ctx: NetContext): CommandResult {
  const args = ctx.argv.slice(1);
  const types: QType[] = [];
  const operands: string[] = [];
  for (const a of args) {
    if (a.startsWith('-') && operands.length === 0) {
      const m = /^-(?:type|querytype|q|query)=(.*)$/i.exec(a);
      if (m) {
        const t = m[1]!.toUpperCase();
        if (t !== 'A' && t !== 'AAAA' && t !== 'PTR')
          return { out: [err(`nslookup: invalid query type "${m[1]}"\n`)], exitCode: 1 };
        types.push(t);
        continue;
      }
      if (/^-(debug|retry=\d+|timeout=\d+|t=\d+|port=\d+)$/.test(a)) continue;
      return { out: [err(USAGE)], exitCode: 1 };
    }
    operands.push(a);
  }
  if (operands.length < 1 || operands.length > 2) return { out: [err(USAGE)], exitCode: 1 };
  const name = operands[0]!;
  const server = operands[1] ?? NAMESERVER;
  const loc = ctx.shell.location;
  const world = ctx.world;

  if (loc.kind === 'host') {
    const target = hostTarget(world, name);
    if (target.kind === 'public' && !isIPv4(name))
      return {
        out: [
          out(
            `Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\nNon-authoritative answer:\nName:\t${target.name}\nAddress: ${target.address}\n\n`,
          ),
        ],
        exitCode: 0,
      };
    return {
      out: [
        out(
          `Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\n** server can't find ${name}: NXDOMAIN\n\n`,
        ),
        ...(target.kind === 'cluster' ? [outsideHint('nslookup')] : []),
      ],
      exitCode: 1,
    };
  }

  const client = clientOf(world, loc);
  const tl = new Timeline(world);
  const id = nextId(world, 'nslookup');
  const queries: { name: string; type: QType }[] = [];
  const withSearch = (type: QType, n: string) => {
    if (type === 'PTR' || n.includes('.')) queries.push({ name: n, type });
    else
      for (const d of searchList(client.namespace))
        queries.push({ name: `${n}.${d.replace(/\.$/, '')}`, type });
  };
  if (types.length === 0) {
    if (isIPv4(name)) queries.push({ name: ptrName(name), type: 'PTR' });
    else {
      withSearch('A', name);
      withSearch('AAAA', name);
    }
  } else {
    for (const t of types) withSearch(t, t === 'PTR' && isIPv4(name) ? ptrName(name) : name);
  }

  let seq = 0;
  const send = (q: { name: string; type: QType }) =>
    sendQuery(world, client, q.name, q.type, {
      id: `${id}:${++seq}`,
      ...(server !== NAMESERVER ? { server } : {}),
    });
  let outcomes: QueryOutcome[] = queries.map(send);
  if (outcomes.every((o) => o.kind === 'dropped')) {
    tl.until(RESOLVER_TIMEOUT_MS / RESOLVER_ATTEMPTS);
    outcomes = queries.map(send);
    tl.until(RESOLVER_TIMEOUT_MS);
    return {
      out: [out(';; connection timed out; no servers could be reached\n\n')],
      exitCode: 1,
      elapsedMs: tl.elapsed,
    };
  }
  tl.wait(DNS_ROUND_TRIP_MS);
  let text = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  let exitCode = 0;
  const missing: string[] = [];
  for (const o of outcomes) {
    if (o.kind === 'dropped') {
      missing.push(o.name);
      continue;
    }
    if (o.rcode !== 'NOERROR') {
      text += `** server can't find ${o.name}: ${o.rcode}\n\n`;
      exitCode = 1;
      continue;
    }
    if (!o.authoritative) text += 'Non-authoritative answer:\n';
    for (const ip of o.ips)
      text +=
        o.qtype === 'PTR' ? `${o.name}\tname = ${ip}\n` : `Name:\t${o.name}\nAddress: ${ip}\n`;
    text += '\n';
  }
  if (missing.length > 0) {
    for (const n of missing) text += `*** Can't find ${n}: No answer\n`;
    text += '\n';
  }
  return { out: [out(text)], exitCode, elapsedMs: tl.elapsed };
}
