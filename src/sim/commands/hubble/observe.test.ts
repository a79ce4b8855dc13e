/**
 * `hubble observe` filters, one table row per filter kind: each row runs the command with
 * `--all -o json` and compares the flows it returns with a predicate written directly against
 * the flow records.
 *
 *   kind                       example                       semantics checked
 *   pod / from-pod / to-pod    --pod shop/web                either end / source / destination, prefix
 *   namespace                  -n kube-system                either end in the namespace
 *   label                      -l app=db                     label selector on either end
 *   ip                         --ip 140.82.121.6             address on either end
 *   fqdn                       --to-fqdn "*.github.com"      names learned through the DNS proxy
 *   port / to-port             --to-port 53                  L4 ports
 *   identity                   --identity world              reserved names and numbers
 *   verdict, type, protocol    --verdict DROPPED, -t drop     flow fields
 *   http-*                     --http-method POST            L7 records
 *   --not                      --not -t trace                the denylist
 *   same flag twice            --verdict A --verdict B       OR
 *   different flags            --to-pod x --verdict B        AND
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatCompact } from '../../../engine/flows/compact.ts';
import type { Flow } from '../../../engine/flows/model.ts';
import { TerminalSession } from '../../session.ts';
import { streamText } from '../../shell/types.ts';
import { SimWorld } from '../../world.ts';
import { podEndpointIds } from '../cilium/agents.ts';
import { FlowPrinter, DEFAULT_PRINT } from './printer.ts';
import { formatGoDuration, parseGoDuration } from './gotime.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const read = (f: string) => ({ name: f, text: readFileSync(join(FIXTURES, f), 'utf8') });

function shopWorld(): SimWorld {
  const world = new SimWorld({
    files: [read('shop.yaml'), read('policies.yaml')],
    zone: { 'api.github.com': ['140.82.121.6'], 'example.com': ['93.184.216.34'] },
    start: new Date('2026-03-02T09:00:00Z'),
  });
  const probes = [
    {
      id: 'get',
      from: 'shop/client',
      to: 'svc:shop/web',
      port: 80,
      http: { method: 'GET', path: '/' },
    },
    {
      id: 'post',
      from: 'shop/client',
      to: 'svc:shop/web',
      port: 80,
      http: { method: 'POST', path: '/login' },
    },
    { id: 'db', from: 'shop/client', to: 'shop/db', port: 5432 },
    { id: 'gh', from: 'shop/client', to: 'fqdn:api.github.com', port: 443 },
    { id: 'ex', from: 'shop/client', to: 'fqdn:example.com', port: 443 },
    { id: 'web-db', from: 'shop/web', to: 'shop/db', port: 5432 },
  ];
  for (const p of probes) {
    world.probe(p);
    world.clock.advance(1000);
  }
  return world;
}

const world = shopWorld();
const session = new TerminalSession(world);
const all = world.flows.all().map((e) => e.flow);

function observed(args: string): string[] {
  const r = session.run(`hubble observe --all -o json ${args}`);
  expect(r.exitCode, streamText(r.out, 'stderr')).toBe(0);
  return streamText(r.out, 'stdout')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { flow: Flow }).flow.uuid);
}

const ns = (f: Flow['source']) => f.namespace ?? '';
const pod = (f: Flow['source']) => f.pod_name ?? '';
const ports = (f: Flow) => {
  const l4 = f.l4;
  const p = 'TCP' in l4 ? l4.TCP : 'UDP' in l4 ? l4.UDP : l4.SCTP;
  return [p.source_port, p.destination_port];
};

const CASES: [string, (f: Flow) => boolean][] = [
  [
    '--pod shop/web',
    (f) => [f.source, f.destination].some((e) => ns(e) === 'shop' && pod(e).startsWith('web')),
  ],
  ['--from-pod shop/cl', (f) => ns(f.source) === 'shop' && pod(f.source).startsWith('cl')],
  ['--to-pod shop/db', (f) => ns(f.destination) === 'shop' && pod(f.destination) === 'db'],
  ['--pod web', () => false],
  ['-n kube-system', (f) => ns(f.source) === 'kube-system' || ns(f.destination) === 'kube-system'],
  ['--to-namespace kube-system', (f) => ns(f.destination) === 'kube-system'],
  ['-l app=db', (f) => [f.source, f.destination].some((e) => e.labels.includes('k8s:app=db'))],
  ['--from-label k8s:app=web', (f) => f.source.labels.includes('k8s:app=web')],
  ['--to-label reserved:world', (f) => f.destination.labels.includes('reserved:world')],
  [
    '--ip 140.82.121.6',
    (f) => f.IP.source === '140.82.121.6' || f.IP.destination === '140.82.121.6',
  ],
  ['--to-ip 93.184.216.0/24', (f) => f.IP.destination.startsWith('93.184.216.')],
  [
    '--to-fqdn *.github.com',
    (f) => (f.destination_names ?? []).some((n) => n.endsWith('.github.com')),
  ],
  [
    '--fqdn example.com',
    (f) => [f.source_names, f.destination_names].some((n) => n?.includes('example.com')),
  ],
  ['--port 53', (f) => ports(f).includes(53)],
  ['--to-port 5432', (f) => ports(f)[1] === 5432],
  ['--identity world', (f) => f.source.identity === 2 || f.destination.identity === 2],
  ['--to-identity 16777217', (f) => f.destination.identity === 16777217],
  ['--verdict DROPPED', (f) => f.verdict === 'DROPPED'],
  ['-t drop', (f) => f.event_type?.type === 1],
  ['-t policy-verdict', (f) => f.event_type?.type === 5],
  [
    '-t trace:to-proxy',
    (f) => f.event_type?.type === 4 && f.trace_observation_point === 'TO_PROXY',
  ],
  ['-t l7', (f) => f.l7 !== undefined],
  ['--protocol udp', (f) => 'UDP' in f.l4],
  ['--protocol http', (f) => f.l7?.http !== undefined],
  ['--protocol dns', (f) => f.l7?.dns !== undefined],
  ['--http-method post', (f) => f.l7?.http?.method === 'POST'],
  ['--http-path ^/log', (f) => f.l7?.http?.url.includes('/login') === true],
  ['--http-status 4+', (f) => (f.l7?.http?.code ?? 0) >= 400],
  ['--http-status 200', (f) => f.l7?.http?.code === 200],
  ['--traffic-direction ingress', (f) => f.traffic_direction === 'INGRESS'],
  ['--node-name kind-worker2', (f) => f.node_name === 'kind-worker2'],
  ['--not -t trace', (f) => f.event_type?.type !== 4],
  // Negated filters of different kinds AND: hidden are forwarded flows of the client.
  [
    '--not --pod shop/client --not --verdict FORWARDED',
    (f) =>
      !([f.source, f.destination].some((e) => pod(e) === 'client') && f.verdict === 'FORWARDED'),
  ],
  ['--verdict DROPPED --verdict AUDIT', (f) => f.verdict === 'DROPPED' || f.verdict === 'AUDIT'],
  [
    '--to-pod shop/db --verdict FORWARDED',
    (f) => pod(f.destination) === 'db' && f.verdict === 'FORWARDED',
  ],
  [
    '-n shop --pod db',
    (f) => [f.source, f.destination].some((e) => ns(e) === 'shop' && pod(e) === 'db'),
  ],
  ['--from-namespace shop -t drop', (f) => ns(f.source) === 'shop' && f.event_type?.type === 1],
];

describe('hubble observe filters', () => {
  test.each(CASES)('%s', (args, want) => {
    const expected = all.filter(want).map((f) => f.uuid);
    expect(expected.length, 'the world has no flow the filter keeps').toBeGreaterThanOrEqual(
      args === '--pod web' ? 0 : 1,
    );
    expect(new Set(observed(args))).toEqual(new Set(expected));
  });
});

describe('output', () => {
  test('-o json prints one GetFlowsResponse object per line', () => {
    const r = session.run('hubble observe --last 5 -o json');
    const lines = streamText(r.out, 'stdout').trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const l of lines) {
      const v = JSON.parse(l) as { flow: Flow; node_name: string; time: string };
      expect(v.node_name).toBe(v.flow.node_name);
      expect(v.time).toBe(v.flow.time);
    }
  });

  test('without options the printer writes the engine compact line', () => {
    const p = new FlowPrinter(DEFAULT_PRINT);
    for (const f of all) expect(p.write(f)).toBe(`${formatCompact(f)}\n`);
  });

  test('endpoint IDs in flows are the IDs cilium-dbg lists', () => {
    const ids = podEndpointIds(world.engine.cluster);
    for (const f of all)
      for (const e of [f.source, f.destination])
        if (e.pod_name) expect(e.ID).toBe(ids.get(`${e.namespace}/${e.pod_name}`));
  });

  test('--last counts matching flows from the end; --first from the start', () => {
    const drops = all.filter((f) => f.event_type?.type === 1);
    const last = streamText(session.run('hubble observe -t drop --last 2').out, 'stdout');
    expect(last.trimEnd().split('\n')).toEqual(drops.slice(-2).map((f) => formatCompact(f)));
    const first = streamText(session.run('hubble observe -t drop --first 1').out, 'stdout');
    expect(first).toBe(`${formatCompact(drops[0]!)}\n`);
  });

  test('--until alone reads from the start of the buffer up to the time given', () => {
    const until = '2026-03-02T09:00:00.500Z';
    const expected = all.filter((f) => f.time <= until && f.time.startsWith('2026-03-02T09:00:00'));
    const text = streamText(session.run(`hubble observe --until ${until}`).out, 'stdout');
    expect(text.trimEnd().split('\n')).toEqual(expected.map((f) => formatCompact(f)));
  });
});

describe('helpers', () => {
  test.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['5', undefined],
    ['m', undefined],
  ])('parseGoDuration(%s) = %s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  test.each([
    [5000, '5s'],
    [65_000, '1m5s'],
    [3 * 86_400_000 + 3000, '72h0m3s'],
  ])('formatGoDuration(%s) = %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});
