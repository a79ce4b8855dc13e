/** The resolver walk and connection timing, observed through the probes they record. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { ProbeResult } from '../../../engine/evaluate/probe.ts';
import type { Flow } from '../../../engine/flows/model.ts';
import { SimWorld } from '../../world.ts';
import { clientOf, libcOf, Timeline } from './common.ts';
import { connect, KERNEL_CONNECT_TIMEOUT_MS } from './connect.ts';
import { resolveHost, searchCandidates } from './resolve.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const read = (p: string) => ({ name: p, text: readFileSync(join(ROOT, p), 'utf8') });
const MANIFESTS = 'src/sim/commands/net/fixtures/manifests';

/** A world that keeps every recorded probe result, with the time it was recorded at. */
function world(files: string[], zone: Record<string, string[]> = {}) {
  const seen: { at: number; result: ProbeResult }[] = [];
  const w = new SimWorld({
    files: files.map(read),
    zone,
    flowsFor: (_w, result, start) => {
      seen.push({ at: start, result });
      return [] as Flow[];
    },
  });
  return { w, seen };
}

const queries = (seen: { result: ProbeResult }[]) =>
  seen
    .filter((s) => s.result.l7?.dns || s.result.port === 53)
    .map((s) => s.result.l7?.dns?.query ?? 'dropped');

describe('search candidates', () => {
  test.each([
    [
      'web',
      'shop',
      'musl',
      ['web.shop.svc.cluster.local', 'web.svc.cluster.local', 'web.cluster.local', 'web'],
    ],
    [
      'web.shop',
      'db',
      'musl',
      [
        'web.shop.db.svc.cluster.local',
        'web.shop.svc.cluster.local',
        'web.shop.cluster.local',
        'web.shop',
      ],
    ],
    ['api.github.com.', 'db', 'musl', ['api.github.com']],
    ['a.b.c.d.e.f', 'db', 'musl', ['a.b.c.d.e.f']],
    [
      'a.b.c.d.e.f',
      'db',
      'glibc',
      [
        'a.b.c.d.e.f',
        'a.b.c.d.e.f.db.svc.cluster.local',
        'a.b.c.d.e.f.svc.cluster.local',
        'a.b.c.d.e.f.cluster.local',
      ],
    ],
  ] as const)('%s in %s (%s)', (name, ns, libc, expected) => {
    expect(searchCandidates(name, ns, libc)).toEqual(expected);
  });

  test.each([
    ['curlimages/curl:8.17.0', 'musl'],
    ['docker.io/library/busybox', 'musl'],
    ['nicolaka/netshoot', 'musl'],
    ['python:3.12-alpine', 'musl'],
    ['cilium/netperf', 'glibc'],
    ['nginx', 'glibc'],
  ] as const)('libc of %s is %s', (image, libc) => {
    expect(libcOf(image)).toBe(libc);
  });
});

describe('the resolver walk', () => {
  test('a service name: the first candidate answers, A and AAAA are asked together', () => {
    const { w, seen } = world(['examples/flask-postgres/cluster.yaml']);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const tl = new Timeline(w);
    const r = resolveHost(w, tl, client, 'flask-app-service', { id: 't' });
    expect(r.ok && r.canonical).toBe('flask-app-service.db.svc.cluster.local');
    expect(queries(seen)).toEqual([
      'flask-app-service.db.svc.cluster.local.',
      'flask-app-service.db.svc.cluster.local.',
    ]);
    expect(seen.map((s) => s.result.l7?.dns?.qtypes[0])).toEqual(['A', 'AAAA']);
    expect(tl.elapsed).toBe(1);
  });

  test('a name in another namespace walks past NXDOMAIN answers', () => {
    const { w, seen } = world(['examples/flask-postgres/cluster.yaml']);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'dummy',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const tl = new Timeline(w);
    const r = resolveHost(w, tl, client, 'flask-app-service.db', { id: 't' });
    expect(r.ok).toBe(true);
    expect(new Set(queries(seen))).toEqual(
      new Set([
        'flask-app-service.db.dummy.svc.cluster.local.',
        'flask-app-service.db.svc.cluster.local.',
      ]),
    );
    expect(tl.elapsed).toBe(2);
  });

  test('musl stops at the first REFUSED: the allowed name itself is never asked', () => {
    const { w, seen } = world(['examples/l7-shop/cluster.yaml', `${MANIFESTS}/github-only.yaml`], {
      'api.github.com': ['140.82.112.6'],
    });
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'shop',
      pod: 'probe',
      image: 'curlimages/curl',
      tools: [],
    });
    const r = resolveHost(w, new Timeline(w), client, 'api.github.com', { id: 't' });
    expect(r).toMatchObject({ ok: false, error: 'refused' });
    expect(queries(seen)).toEqual([
      'api.github.com.shop.svc.cluster.local.',
      'api.github.com.shop.svc.cluster.local.',
    ]);
    expect(seen.every((s) => s.result.l7?.dns?.rcode === 'REFUSED')).toBe(true);
  });

  test('a public name for a connection leaves its A query to the fqdn probe', () => {
    const { w, seen } = world(['examples/l7-shop/cluster.yaml', `${MANIFESTS}/github-only.yaml`], {
      'api.github.com': ['140.82.112.6'],
    });
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'shop',
      pod: 'probe',
      image: 'curlimages/curl',
      tools: [],
    });
    const tl = new Timeline(w);
    const r = resolveHost(w, tl, client, 'api.github.com.', { id: 't', deferPublicA: true });
    expect(r).toMatchObject({
      ok: true,
      source: 'public',
      deferredA: true,
      addresses: ['140.82.112.6'],
    });
    expect(seen.map((s) => s.result.l7?.dns?.qtypes[0])).toEqual(['AAAA']);
    const c = connect(
      w,
      tl,
      client,
      { host: 'api.github.com.', address: '140.82.112.6', fqdn: 'api.github.com' },
      443,
      {
        id: 'c',
      },
    );
    expect(c.kind).toBe('connected');
    if (c.kind === 'connected') c.record();
    const last = seen.at(-1)!.result;
    expect(last.lookup?.learned).toBe(true);
    expect(last.verdict).toBe('allowed');
  });

  test('a dropped query: musl waits 5 s, resending at 2.5 s, and tries no other candidate', () => {
    const { w, seen } = world([
      'examples/flask-postgres/cluster.yaml',
      `${MANIFESTS}/dns-blocked.yaml`,
    ]);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const tl = new Timeline(w);
    const t0 = w.clock.now();
    const r = resolveHost(w, tl, client, 'flask-app-service', { id: 't' });
    expect(r).toMatchObject({ ok: false, error: 'timeout' });
    expect(tl.elapsed).toBe(5000);
    expect(w.clock.now() - t0).toBe(5000);
    expect(seen.map((s) => s.at - t0)).toEqual([0, 0, 2500, 2500]);
    expect(seen.every((s) => s.result.verdict === 'denied' && !s.result.l7)).toBe(true);
  });

  test('a dropped query with a deadline stops at the deadline', () => {
    const { w } = world(['examples/flask-postgres/cluster.yaml', `${MANIFESTS}/dns-blocked.yaml`]);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const tl = new Timeline(w);
    expect(resolveHost(w, tl, client, 'x', { id: 't', deadline: 1500 })).toMatchObject({
      error: 'deadline',
    });
    expect(tl.elapsed).toBe(1500);
  });

  test('glibc waits two attempts of 5 s', () => {
    const { w } = world(['examples/flask-postgres/cluster.yaml', `${MANIFESTS}/dns-blocked.yaml`]);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'nginx',
      tools: [],
    });
    const tl = new Timeline(w);
    expect(resolveHost(w, tl, client, 'x', { id: 't' })).toMatchObject({ error: 'timeout' });
    expect(tl.elapsed).toBe(10_000);
  });

  test('literals and /etc/hosts need no query', () => {
    const { w, seen } = world(['examples/flask-postgres/cluster.yaml']);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const tl = new Timeline(w);
    expect(resolveHost(w, tl, client, '10.0.0.1', { id: 't' })).toMatchObject({
      source: 'literal',
    });
    expect(resolveHost(w, tl, client, 'localhost', { id: 't' })).toMatchObject({
      addresses: ['127.0.0.1'],
    });
    expect(resolveHost(w, tl, client, 'debug', { id: 't' })).toMatchObject({
      addresses: [client.ip],
    });
    expect(seen).toEqual([]);
  });
});

describe('connections', () => {
  test('a dropped SYN is resent on the kernel schedule, each resend recorded', () => {
    const { w, seen } = world([
      'examples/flask-postgres/cluster.yaml',
      `${MANIFESTS}/flask-app-to-db.yaml`,
    ]);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const pg = w.engine.cluster.pods.find((p) => p.name === 'postgres-0')!;
    const tl = new Timeline(w);
    const t0 = w.clock.now();
    const c = connect(w, tl, client, { host: pg.ip, address: pg.ip }, 5432, { id: 'x' });
    expect(c).toEqual({ kind: 'timeout', reason: 'kernel' });
    expect(tl.elapsed).toBe(KERNEL_CONNECT_TIMEOUT_MS);
    expect(seen.map((s) => (s.at - t0) / 1000)).toEqual([0, 1, 3, 7, 15, 31, 63]);
  });

  test('a tool timeout ends the wait', () => {
    const { w, seen } = world([
      'examples/flask-postgres/cluster.yaml',
      `${MANIFESTS}/flask-app-to-db.yaml`,
    ]);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const pg = w.engine.cluster.pods.find((p) => p.name === 'postgres-0')!;
    const tl = new Timeline(w);
    const c = connect(w, tl, client, { host: pg.ip, address: pg.ip }, 5432, {
      id: 'x',
      deadline: 2000,
    });
    expect(c).toEqual({ kind: 'timeout', reason: 'deadline' });
    expect(tl.elapsed).toBe(2000);
    expect(seen).toHaveLength(2);
  });

  test('an allowed port with nothing listening is refused; a listener is connected', () => {
    const { w } = world(['examples/flask-postgres/cluster.yaml']);
    const client = clientOf(w, {
      kind: 'pod',
      namespace: 'db',
      pod: 'debug',
      image: 'curlimages/curl',
      tools: [],
    });
    const pg = w.engine.cluster.pods.find((p) => p.name === 'postgres-0')!;
    const tl = new Timeline(w);
    expect(connect(w, tl, client, { host: pg.ip, address: pg.ip }, 80, { id: 'a' }).kind).toBe(
      'refused',
    );
    const ok = connect(w, tl, client, { host: pg.ip, address: pg.ip }, 5432, { id: 'b' });
    expect(ok.kind === 'connected' && ok.listener.app).toBe('postgres');
    expect(tl.elapsed).toBe(2);
  });
});
