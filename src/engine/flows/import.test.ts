import { describe, expect, test } from 'vitest';
import { readHubbleJson } from './import.ts';

/** A record as `hubble observe -o json` prints it on a real cluster (fields trimmed). */
const REAL = {
  flow: {
    time: '2026-05-04T10:00:00.123456789Z',
    uuid: 'a6f0c5b1-0000-4000-8000-000000000001',
    verdict: 'FORWARDED',
    ethernet: { source: '02:00:00:00:00:01', destination: '02:00:00:00:00:02' },
    IP: { source: '10.0.1.5', destination: '10.0.2.9', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 51234, destination_port: 8080, flags: { SYN: true } } },
    source: {
      ID: 412,
      identity: 31337,
      cluster_name: 'prod',
      namespace: 'shop',
      labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop'],
      pod_name: 'web-7d9f8b6c5d-x2x9q',
      workloads: [{ name: 'web', kind: 'Deployment' }],
    },
    destination: {
      identity: 4242,
      namespace: 'shop',
      labels: ['k8s:app=api'],
      pod_name: 'api-0',
    },
    Type: 'L3_L4',
    node_name: 'prod/worker-1',
    event_type: { type: 4, sub_type: 3 },
    traffic_direction: 'EGRESS',
    is_reply: { value: false },
    Summary: 'TCP Flags: SYN',
    egress_allowed_by: [
      { name: 'web', namespace: 'shop', labels: [], revision: '12', kind: 'CiliumNetworkPolicy' },
    ],
  },
  node_name: 'prod/worker-1',
  time: '2026-05-04T10:00:00.123456789Z',
};

describe('readHubbleJson', () => {
  test('reads a real export line into the Flow shape', () => {
    const { flows, problems } = readHubbleJson(JSON.stringify(REAL));
    expect(problems).toEqual([]);
    expect(flows).toHaveLength(1);
    const f = flows[0]!;
    expect(f.is_reply).toBe(false);
    expect(f.source.workloads).toEqual([{ name: 'web', kind: 'Deployment' }]);
    expect(f.egress_allowed_by?.[0]?.revision).toBe(12);
    expect(f.l4).toEqual({
      TCP: { source_port: 51234, destination_port: 8080, flags: { SYN: true } },
    });
    expect(f.event_type).toEqual({ type: 4, sub_type: 3 });
  });

  test.each<[string, string, number, string[]]>([
    ['JSON lines with blanks', `${JSON.stringify(REAL)}\n\n${JSON.stringify(REAL.flow)}\n`, 2, []],
    ['one JSON array', JSON.stringify([REAL, REAL.flow]), 2, []],
    ['a line that is not JSON', `${JSON.stringify(REAL)}\n{oops`, 1, ['line 2: not JSON']],
    [
      'a record without endpoints',
      JSON.stringify({ flow: { verdict: 'DROPPED' } }),
      0,
      ['line 1: no source or destination endpoint'],
    ],
    [
      'lost events are skipped quietly',
      JSON.stringify({ lost_events: { num_events_lost: 3 } }),
      0,
      [],
    ],
    [
      'an array item that is not an object',
      JSON.stringify([REAL, 3]),
      1,
      ['item 2: not a JSON object'],
    ],
  ])('%s', (_, text, count, problems) => {
    const r = readHubbleJson(text);
    expect(r.flows).toHaveLength(count);
    expect(r.problems).toEqual(problems);
  });
});
