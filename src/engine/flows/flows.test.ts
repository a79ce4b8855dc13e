/**
 * Flow building, end to end from manifests and probes to printed records.
 *
 * Golden files: every scenario under `fixtures/` is `<name>.yaml` (manifests) plus
 * `<name>.probes.yaml`; its flows, printed from the default start time, must equal
 * `<name>.compact.golden` and `<name>.json.golden` byte for byte. `UPDATE_GOLDEN=1 npx vitest run
 * src/engine/flows` rewrites them; read the diff against fidelity.md §5 before keeping it.
 *
 * | scenario   | shows                                                                      |
 * |------------|----------------------------------------------------------------------------|
 * | l3l4-drop  | verdicts on both sides, 133 and 181 drops, CIDR identity, world, UDP, from outside |
 * | http       | an allowed GET through a Service, a 403 (request DROPPED + response 403)    |
 * | dns-fqdn   | DNS allowed, refused (no response), NXDOMAIN, toFQDNs connection by name     |
 * | kafka      | produce allowed and refused under Cilium 1.18                                |
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { readProbes } from '../../cli/inputs.ts';
import { Engine } from '../engine.ts';
import type { ProbeResult } from '../evaluate/probe.ts';
import type { CiliumVersion } from '../types.ts';
import { ephemeralPort, flowsForProbe, flowsForProbes, protoTime, uuidFrom } from './build.ts';
import { formatCompact } from './compact.ts';
import { formatJson } from './json.ts';
import type { Flow } from './model.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const SCENARIOS: { name: string; version?: CiliumVersion }[] = [
  { name: 'l3l4-drop' },
  { name: 'http' },
  { name: 'dns-fqdn' },
  { name: 'kafka', version: '1.18' },
];

function load(name: string, version?: CiliumVersion): { engine: Engine; results: ProbeResult[] } {
  const engine = new Engine(version ? { ciliumVersion: version } : {});
  const file = `${name}.yaml`;
  engine.load([{ name: file, text: readFileSync(join(DIR, file), 'utf8') }]);
  const probesFile = `${name}.probes.yaml`;
  const probes = readProbes([
    { name: probesFile, text: readFileSync(join(DIR, probesFile), 'utf8') },
  ]);
  engine.publicZone = probes.dns;
  const errors = engine.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  return { engine, results: probes.probes.map((p) => engine.probe(p)) };
}

function golden(file: string, actual: string): void {
  const path = join(DIR, file);
  if (UPDATE || !existsSync(path)) {
    writeFileSync(path, actual);
    if (!UPDATE) throw new Error(`${file} did not exist and was written; review it and rerun`);
    return;
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const lines = (flows: Flow[], f: (x: Flow) => string) => flows.map((x) => `${f(x)}\n`).join('');

describe('golden output', () => {
  test.each(SCENARIOS)('$name', ({ name, version }) => {
    const { engine, results } = load(name, version);
    expect(results.filter((r) => r.error)).toEqual([]);
    const flows = flowsForProbes(engine, results);
    golden(
      `${name}.compact.golden`,
      lines(flows, (f) => formatCompact(f)),
    );
    golden(`${name}.json.golden`, lines(flows, formatJson));
  });
});

describe('what a probe yields', () => {
  const l3 = load('l3l4-drop');
  const byId = (id: string) => l3.results.find((r) => r.id === id)!;
  const kinds = (flows: Flow[]) =>
    flows.map((f) => `${f.event_type?.type}:${f.verdict}:${f.is_reply ?? '-'}`);

  test('an L3/L4 denial is a denied verdict and a drop, direction unknown', () => {
    const flows = flowsForProbe(l3.engine, byId('intruder-to-backend'));
    expect(kinds(flows)).toEqual(['5:DROPPED:-', '1:DROPPED:-']);
    expect(flows[1]).toMatchObject({
      drop_reason: 133,
      drop_reason_desc: 'POLICY_DENIED',
      event_type: { type: 1, sub_type: 133 },
      traffic_direction: 'INGRESS',
    });
    expect(flows[0]!.policy_match_type).toBeUndefined();
  });

  test('a deny rule drops with 181 and names the policy', () => {
    const flows = flowsForProbe(l3.engine, byId('blocked-to-backend'));
    expect(flows[1]).toMatchObject({ drop_reason: 181, drop_reason_desc: 'POLICY_DENY' });
    expect(flows[0]!.ingress_denied_by?.map((p) => p.name)).toEqual(['backend-ingress']);
  });

  test('allowed with policy on both sides: two verdicts, then SYN, SYN-ACK (reply), ACK', () => {
    const flows = flowsForProbe(l3.engine, byId('frontend-to-backend'));
    expect(kinds(flows)).toEqual([
      '5:FORWARDED:false',
      '5:FORWARDED:false',
      '4:FORWARDED:false',
      '4:FORWARDED:true',
      '4:FORWARDED:false',
    ]);
    expect(flows.map((f) => f.policy_match_type)).toEqual([1, 2, undefined, undefined, undefined]);
    expect(flows[0]!.egress_allowed_by?.map((p) => p.name)).toEqual(['frontend-egress']);
    expect(flows[1]!.ingress_allowed_by?.map((p) => p.name)).toEqual(['backend-ingress']);
    // The reply runs server → client on the wire.
    const reply = flows[3]!;
    expect(reply.IP.source).toBe(flows[2]!.IP.destination);
    expect(reply.l4).toEqual({
      TCP: {
        source_port: 8080,
        destination_port: (flows[2]!.l4 as { TCP: { source_port: number } }).TCP.source_port,
        flags: { SYN: true, ACK: true },
      },
    });
  });

  test('a side without policy reports no verdict', () => {
    const flows = flowsForProbe(l3.engine, byId('outside-to-backend'));
    expect(flows.every((f) => f.traffic_direction === 'INGRESS')).toBe(true);
    expect(flows[0]!.source).toEqual({ identity: 2, labels: ['reserved:world'] });
  });

  test('a CIDR-selected address gets a local identity; an unselected one is world', () => {
    const cidr = flowsForProbe(l3.engine, byId('frontend-to-partner'));
    expect(cidr[0]!.destination).toEqual({
      identity: 16777217,
      labels: ['cidr:203.0.113.0/24', 'reserved:world'],
    });
    expect(cidr[1]!.trace_observation_point).toBe('TO_STACK');
    const world = flowsForProbe(l3.engine, byId('frontend-to-elsewhere'));
    expect(world[0]!.destination.identity).toBe(2);
  });

  test('UDP: one datagram each way', () => {
    const flows = flowsForProbe(l3.engine, byId('frontend-dns-udp'));
    expect(flows.map((f) => f.Summary)).toEqual(['UDP', 'UDP', 'UDP']);
    expect(kinds(flows).slice(1)).toEqual(['4:FORWARDED:false', '4:FORWARDED:true']);
  });

  test('an HTTP request refused by the proxy: DROPPED request and 403 with 0ms at the same time', () => {
    const http = load('http');
    const flows = flowsForProbe(
      http.engine,
      http.results.find((r) => r.id === 'post-root')!,
    );
    const l7 = flows.filter((f) => f.Type === 'L7');
    expect(l7.map((f) => [f.verdict, f.l7?.type, f.l7?.http?.code])).toEqual([
      ['DROPPED', 'REQUEST', undefined],
      ['FORWARDED', 'RESPONSE', 403],
    ]);
    expect(l7[0]!.time).toBe(l7[1]!.time);
    expect(l7[1]!.Summary).toMatch(/^HTTP\/1\.1 403 0ms \(POST http:\/\//);
    // The policy verdict of a proxied connection is REDIRECTED (printed ALLOWED).
    expect(flows[0]!.verdict).toBe('REDIRECTED');
  });

  test('fqdn: the lookup first, then the connection to the learned name', () => {
    const dns = load('dns-fqdn');
    const flows = flowsForProbe(
      dns.engine,
      dns.results.find((r) => r.id === 'connect-api')!,
    );
    const types = flows.map((f) => (f.l7?.dns ? `dns-${f.l7.type}` : f.trace_observation_point));
    expect(types.slice(0, 4)).toEqual([undefined, 'TO_PROXY', 'dns-REQUEST', 'dns-RESPONSE']);
    const conn = flows[4]!;
    expect(conn.destination_names).toEqual(['api.github.com']);
    expect(conn.destination.labels).toEqual(['fqdn:api.github.com', 'reserved:world']);
    expect(conn.l4).toMatchObject({ TCP: { destination_port: 443 } });
    const lookupPort = (flows[0]!.l4 as { UDP: { source_port: number } }).UDP.source_port;
    expect((conn.l4 as { TCP: { source_port: number } }).TCP.source_port).not.toBe(lookupPort);
  });

  test('a refused DNS query has no response record', () => {
    const dns = load('dns-fqdn');
    const flows = flowsForProbe(
      dns.engine,
      dns.results.find((r) => r.id === 'lookup-refused')!,
    );
    expect(flows.filter((f) => f.Type === 'L7').map((f) => f.l7?.type)).toEqual(['REQUEST']);
    // A connection whose lookup was refused never starts.
    const conn = flowsForProbe(
      dns.engine,
      dns.results.find((r) => r.id === 'connect-example')!,
    );
    expect(conn.every((f) => f.destination.pod_name?.startsWith('coredns-'))).toBe(true);
  });

  test('an error probe yields nothing', () => {
    const r: ProbeResult = { id: 'x', verdict: 'denied', reason: 'probe error', error: 'bad' };
    expect(flowsForProbe(l3.engine, r)).toEqual([]);
  });
});

describe('determinism and the clock', () => {
  test('the same input gives the same flows', () => {
    const a = load('dns-fqdn');
    const b = load('dns-fqdn');
    expect(flowsForProbes(a.engine, a.results)).toEqual(flowsForProbes(b.engine, b.results));
  });

  test('times never go backwards and each probe starts on its own second', () => {
    const { engine, results } = load('l3l4-drop');
    const flows = flowsForProbes(engine, results, { start: new Date('2026-05-04T13:23:40Z') });
    const times = flows.map((f) => f.time);
    expect([...times].sort()).toEqual(times);
    expect(formatCompact(flows[0]!)).toMatch(/^May {2}4 13:23:40\.\d{3}: /);
    const firstOfEach = new Set(flows.map((f) => f.time.slice(0, 19)));
    expect(firstOfEach.size).toBe(results.length);
  });

  test('a single probe from flowsForProbe matches the first of flowsForProbes', () => {
    const { engine, results } = load('http');
    const one = flowsForProbe(engine, results[0]!);
    expect(flowsForProbes(engine, results).slice(0, one.length)).toEqual(one);
  });

  test('ports, uuids and timestamps have the real shapes', () => {
    for (const id of ['a', 'b', 'probe-1', 'x'.repeat(40)]) {
      const p = ephemeralPort(id);
      expect(p).toBeGreaterThanOrEqual(32768);
      expect(p).toBeLessThanOrEqual(60999);
      expect(uuidFrom(id)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(protoTime(1767225600, 0)).toBe('2026-01-01T00:00:00Z');
    expect(protoTime(1767225600, 5_000_000)).toBe('2026-01-01T00:00:00.005Z');
    expect(protoTime(1767225600, 5_000)).toBe('2026-01-01T00:00:00.000005Z');
    expect(protoTime(1767225600, 779111730)).toBe('2026-01-01T00:00:00.779111730Z');
  });
});
