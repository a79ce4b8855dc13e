/**
 * `getent hosts NAME...`: Alpine's getent (musl-utils) looks a name up with gethostbyname2,
 * first for IPv6 and then for IPv4, so Hubble sees an AAAA walk before the A walk. It prints
 * `%-16s  %s` (address, two spaces, canonical name) and exits 2 at the first name not found,
 * printing nothing for it. glibc's getent prints `%-15s %s`. An address argument is looked up in
 * reverse (ClusterIPs name their service).
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
import { ptrName, resolveHost, sendQuery } from './resolve.ts';

export const GETENT_HELP = [
  'look entries up the way programs do: getent hosts NAME... (also passwd, group, services)',
  '  getent hosts web prints "ADDRESS  web.NAMESPACE.svc.cluster.local"; exit 2 when not found',
].join('\n');

const DATABASES =
  'ethers group hosts ahosts ahostsv4 ahostsv6 networks passwd protocols services shadow shells';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
  'nobody:x:65534:65534:nobody:/:/sbin/nologin',
  'curl_user:x:100:101:Linux User,,,:/home/curl_user:/bin/sh',
];

export function getent(ctx: NetContext): CommandResult {
  const [db, ...keys] = ctx.argv.slice(1);
  const usage = () => {
    const names = DATABASES.split(' ');
    return `Usage: getent database [key ...]\n\tdatabase may be one of:\n\t\t${names.slice(0, 7).join(' ')}\n\t\t${names.slice(7).join(' ')}\n`;
  };
  if (!db) return { out: [err(usage())], exitCode: 1 };
  const loc = ctx.shell.location;
  const world = ctx.world;
  const musl = loc.kind === 'pod' && clientOf(world, loc).libc === 'musl';
  const line = (ip: string, name: string) =>
    musl ? `${ip.padEnd(16)}  ${name}\n` : `${ip.padEnd(15)} ${name}\n`;

  if (db === 'passwd') {
    if (keys.length === 0) return { out: [out(`${PASSWD.join('\n')}\n`)], exitCode: 0 };
    let text = '';
    for (const k of keys) {
      const row = PASSWD.find((r) => r.split(':')[0] === k || r.split(':')[2] === k);
      if (!row) return { out: text ? [out(text)] : [], exitCode: 2 };
      text += `${row}\n`;
    }
    return { out: [out(text)], exitCode: 0 };
  }
  if (db === 'services') {
    const table: Record<string, string> = {
      http: '80/tcp',
      https: '443/tcp',
      domain: '53/udp',
      postgresql: '5432/tcp',
    };
    let text = '';
    for (const k of keys) {
      const hit = Object.entries(table).find(([n, p]) => n === k || p.split('/')[0] === k);
      if (!hit) return { out: text ? [out(text)] : [], exitCode: 2 };
      text += `${hit[0].padEnd(16)}  ${hit[1].padStart(8)}\n`;
    }
    return { out: [out(text)], exitCode: 0 };
  }
  if (db !== 'hosts' && db !== 'ahosts' && db !== 'ahostsv4') {
    if (!DATABASES.split(' ').includes(db))
      return {
        out: [err(`getent: Unknown database \`${db}': No such file or directory\n${usage()}`)],
        exitCode: 1,
      };
    return { out: [], exitCode: 2 };
  }
  if (keys.length === 0) {
    const hosts = loc.kind === 'pod' ? clientOf(world, loc) : undefined;
    let text = line('127.0.0.1', 'localhost');
    if (hosts?.ip) text += line(hosts.ip, hosts.pod);
    return { out: [out(text)], exitCode: 0 };
  }

  if (loc.kind === 'host') {
    let text = '';
    for (const k of keys) {
      const target = hostTarget(world, k);
      if (target.kind !== 'public')
        return {
          out: [
            ...(text ? [out(text)] : []),
            ...(target.kind === 'cluster' ? [outsideHint('getent')] : []),
          ],
          exitCode: 2,
        };
      text += line(target.address, target.name);
    }
    return { out: [out(text)], exitCode: 0 };
  }

  const client = clientOf(world, loc);
  const tl = new Timeline(world);
  let text = '';
  for (const key of keys) {
    const id = nextId(world, 'getent');
    if (isIPv4(key)) {
      const o = sendQuery(world, client, ptrName(key), 'PTR', { id });
      tl.wait(1);
      // The answer carries the name CoreDNS gives the address.
      const name = o.kind === 'answer' && o.rcode === 'NOERROR' ? o.ips[0] : undefined;
      if (!name) return { out: text ? [out(text)] : [], exitCode: 2, elapsedMs: tl.elapsed };
      text += line(key, name);
      continue;
    }
    let res = resolveHost(world, tl, client, key, { id: `${id}:6`, families: ['AAAA'] });
    if (res.ok && res.v6.length === 0) res = { ok: false, host: key, error: 'nodata', queried: [] };
    if (!res.ok) res = resolveHost(world, tl, client, key, { id: `${id}:4`, families: ['A'] });
    if (!res.ok) return { out: text ? [out(text)] : [], exitCode: 2, elapsedMs: tl.elapsed };
    const addr = res.v6[0] ?? res.addresses[0]!;
    text += line(addr, res.canonical);
  }
  return { out: [out(text)], exitCode: 0, elapsedMs: tl.elapsed };
}
