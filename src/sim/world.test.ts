/** The simulated world: clock, flow buffer, per-object files and background traffic. */
import { describe, expect, test } from 'vitest';
import { FlowLog, SimWorld, objectKey } from './world.ts';
import type { Flow } from '../engine/flows/model.ts';

const CLUSTER = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c, image: curlimages/curl}]}
`;
const DENY_WEB = {
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name: 'deny-web', namespace: 'shop' },
  spec: { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{}] },
};
const webProbe = { id: 'x', from: 'shop/client', to: 'shop/web', port: 80 };

const fakeFlow = (time: string): Flow => ({ time }) as unknown as Flow;

describe('objects applied in the terminal', () => {
  test('apply, re-apply unchanged, delete: the engine follows', () => {
    const w = new SimWorld({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    expect(w.probe(webProbe).result.verdict).toBe('allowed');
    const put = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      namespace: 'shop',
      name: 'deny-web',
      value: DENY_WEB,
    };
    expect(w.putObject(put)).toEqual({ created: true, changed: true });
    expect(w.probe(webProbe).result.verdict).toBe('denied');
    expect(w.putObject(put)).toEqual({ created: false, changed: false });
    expect(w.getObject('CiliumNetworkPolicy', 'shop', 'deny-web')?.generation).toBe(1);
    expect(w.deleteObject('CiliumNetworkPolicy', 'shop', 'deny-web')).toBe(true);
    expect(w.probe(webProbe).result.verdict).toBe('allowed');
    expect(w.deleteObject('CiliumNetworkPolicy', 'shop', 'deny-web')).toBe(false);
  });

  test.each([
    ['Pod', 'db', 'x', 'Pod/db/x'],
    ['Pod', undefined, 'x', 'Pod/default/x'],
    ['Namespace', 'ignored', 'db', 'Namespace//db'],
    ['CiliumClusterwideNetworkPolicy', undefined, 'p', 'CiliumClusterwideNetworkPolicy//p'],
  ])('objectKey(%s, %s, %s) = %s', (kind, ns, name, key) => {
    expect(objectKey(kind, ns, name)).toBe(key);
  });
});

describe('time and traffic', () => {
  test('background traffic runs at its own times while time advances', () => {
    const times: number[] = [];
    const w = new SimWorld({
      files: [{ name: 'cluster.yaml', text: CLUSTER }],
      start: new Date('2026-03-02T09:00:00Z'),
      traffic: [{ probe: webProbe, everySeconds: 5 }],
      flowsFor: (_w, _r, start) => {
        times.push(start);
        return [fakeFlow(new Date(start).toISOString())];
      },
    });
    const t0 = w.clock.now();
    w.advance(12_000);
    expect(times.map((t) => t - t0)).toEqual([5000, 10000]);
    expect(w.clock.now() - t0).toBe(12_000);
    expect(w.flows.all()).toHaveLength(2);
  });

  test('the flow buffer keeps the newest flows and tells followers what is new', () => {
    const log = new FlowLog(3);
    log.add([fakeFlow('2026-01-01T00:00:01Z'), fakeFlow('2026-01-01T00:00:02Z')]);
    const mark = log.sequence;
    log.add([fakeFlow('2026-01-01T00:00:03Z'), fakeFlow('2026-01-01T00:00:04Z')]);
    expect(log.all().map((f) => f.flow.time)).toEqual([
      '2026-01-01T00:00:02Z',
      '2026-01-01T00:00:03Z',
      '2026-01-01T00:00:04Z',
    ]);
    expect(log.since(mark).map((f) => f.flow.time)).toEqual([
      '2026-01-01T00:00:03Z',
      '2026-01-01T00:00:04Z',
    ]);
    expect(log.since(log.sequence)).toEqual([]);
    // Sequence numbers count from 0; the two oldest have left the buffer.
    expect(log.at(0)).toBeUndefined();
    expect(log.at(1)?.flow.time).toBe('2026-01-01T00:00:02Z');
    expect(log.at(3)?.flow.time).toBe('2026-01-01T00:00:04Z');
    expect(log.at(4)).toBeUndefined();
    log.clear();
    expect(log.at(3)).toBeUndefined();
  });

  test('every flow of a probe keeps the probe and its verdict', () => {
    const w = new SimWorld({
      files: [{ name: 'cluster.yaml', text: CLUSTER }],
      flowsFor: (_w, _r, start) => [
        fakeFlow(new Date(start).toISOString()),
        fakeFlow(new Date(start + 1).toISOString()),
      ],
    });
    w.probe(webProbe);
    const [a, b] = w.flows.all();
    expect(a?.cause).toEqual({ probe: webProbe, verdict: 'allowed' });
    expect(b?.cause).toBe(a?.cause);
  });
});

describe('flows', () => {
  test('a probe leaves Hubble records at the simulated time', () => {
    const w = new SimWorld({
      files: [{ name: 'cluster.yaml', text: CLUSTER }],
      start: new Date('2026-03-02T09:00:00Z'),
    });
    w.putObject({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      namespace: 'shop',
      name: 'deny-web',
      value: DENY_WEB,
    });
    const { flows } = w.probe(webProbe);
    expect(flows.map((f) => f.verdict)).toEqual(['DROPPED', 'DROPPED']);
    expect(flows[0]!.time.startsWith('2026-03-02T09:00:00')).toBe(true);
    expect(w.flows.all()).toHaveLength(2);
  });
});
