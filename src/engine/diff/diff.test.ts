/**
 * The what-if diff over the fixtures in `fixtures/` (a front end, PostgreSQL, a debug pod).
 *
 * | case                 | before              | after                          | expect                          |
 * |----------------------|---------------------|--------------------------------|---------------------------------|
 * | identical            | shop                | shop                           | no change                       |
 * | lock the database    | shop                | shop + lock-db                 | two sources newly denied        |
 * | unlock it            | shop + lock-db      | shop                           | the same rows, newly allowed    |
 * | scale and re-hash    | shop + lock-db      | shop-scaled + lock-db          | no change (rule 4)              |
 * | new workload         | shop + lock-db      | shop + lock-db + reporting     | its flows, before absent        |
 * | L7 HTTP rule         | shop                | shop + frontend-get            | only POST / newly denied        |
 * | DNS rule             | shop                | shop + debug-dns               | L3/L4 rows plus the DNS query   |
 *
 * Rows are written `+|- from → to port/proto [l7] (before→after) probes`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { readProbes } from '../../cli/inputs.ts';
import { Engine } from '../engine.ts';
import { diffEngines, l7Label, type FlowChange, type FlowDiff } from './diff.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const file = (name: string) => ({ name, text: readFileSync(join(DIR, name), 'utf8') });
const PROBES = readProbes([file('probes.yaml')]).probes;

function engine(...names: string[]): Engine {
  const e = new Engine();
  e.load(names.map(file));
  return e;
}

const row = (c: FlowChange) =>
  `${c.change === 'allowed' ? '+' : '-'} ${c.from} → ${c.to} ${c.port}/${c.protocol}` +
  `${c.l7 ? ` ${c.l7}` : ''} (${c.before}→${c.after})${c.probes.length ? ` ${c.probes.join(',')}` : ''}`;

function rows(d: FlowDiff): string[] {
  return d.changes.map(row);
}

describe('diffEngines', () => {
  test.each<[string, string[], string[], string[]]>([
    ['identical', ['shop.yaml'], ['shop.yaml'], []],
    [
      'lock the database',
      ['shop.yaml'],
      ['shop.yaml', 'lock-db.yaml'],
      [
        '- default/debug → db/postgres 5432/TCP (allowed→denied) debug-to-db',
        '- kube-system/coredns → db/postgres 5432/TCP (allowed→denied)',
      ],
    ],
    [
      'unlock it',
      ['shop.yaml', 'lock-db.yaml'],
      ['shop.yaml'],
      [
        '+ default/debug → db/postgres 5432/TCP (denied→allowed) debug-to-db',
        '+ kube-system/coredns → db/postgres 5432/TCP (denied→allowed)',
      ],
    ],
    ['scale and re-hash', ['shop.yaml', 'lock-db.yaml'], ['shop-scaled.yaml', 'lock-db.yaml'], []],
    [
      'new workload',
      ['shop.yaml', 'lock-db.yaml'],
      ['shop.yaml', 'lock-db.yaml', 'reporting.yaml'],
      [
        '+ default/reporting → default/frontend 8080/TCP (absent→allowed) report-to-frontend',
        '+ default/reporting → kube-system/coredns 53/TCP (absent→allowed)',
        '+ default/reporting → kube-system/coredns 53/UDP (absent→allowed)',
        '+ default/reporting → kube-system/coredns 9153/TCP (absent→allowed)',
      ],
    ],
    [
      'L7 HTTP rule',
      ['shop.yaml'],
      ['shop.yaml', 'frontend-get.yaml'],
      ['- default/debug → default/frontend 8080/TCP POST / (allowed→denied) post-root'],
    ],
    [
      'DNS rule',
      ['shop.yaml'],
      ['shop.yaml', 'debug-dns.yaml'],
      [
        '- default/debug → db/postgres 5432/TCP (allowed→denied) debug-to-db',
        '- default/debug → default/frontend 8080/TCP (allowed→denied)',
        '- default/debug → default/frontend 8080/TCP GET / (allowed→denied) get-root',
        '- default/debug → default/frontend 8080/TCP POST / (allowed→denied) post-root',
        '- default/debug → kube-system/coredns 53/TCP (allowed→denied)',
        '- default/debug → kube-system/coredns 53/UDP DNS kubernetes.default.svc.cluster.local A (allowed→denied) lookup',
        '- default/debug → kube-system/coredns 9153/TCP (allowed→denied)',
      ],
    ],
  ])('%s', (_, before, after, expected) => {
    const d = diffEngines(engine(...before), engine(...after), { probes: PROBES });
    expect(rows(d)).toEqual(expected);
    expect(d.summary.newlyAllowed + d.summary.newlyDenied).toBe(expected.length);
    expect(d.summary.newlyAllowed).toBe(expected.filter((r) => r.startsWith('+')).length);
    expect(d.summary.probes).toBe(PROBES.length);
  });

  test('a row names the policies behind it and why it is so now', () => {
    const d = diffEngines(engine('shop.yaml'), engine('shop.yaml', 'lock-db.yaml'));
    const c = d.changes[0]!;
    expect(c.policies).toEqual(['CiliumNetworkPolicy db/lock-db']);
    expect(c.reason).toContain('default deny (selected by CiliumNetworkPolicy db/lock-db)');
    expect(c.pairs).toBe(1);
    // kube-system/coredns has two replicas, so two pod pairs.
    expect(d.changes[1]!.pairs).toBe(2);
  });

  test('explain: false leaves reasons and policies empty', () => {
    const d = diffEngines(engine('shop.yaml'), engine('shop.yaml', 'lock-db.yaml'), {
      explain: false,
      probes: PROBES,
    });
    expect(d.changes.every((c) => c.reason === '' && c.policies.length === 0)).toBe(true);
    expect(d.changes).toHaveLength(2);
  });

  test('by pod: one row per pod pair', () => {
    const d = diffEngines(engine('shop.yaml'), engine('shop.yaml', 'lock-db.yaml'), {
      by: 'pod',
    });
    expect(d.changes.map((c) => `${c.from} → ${c.to}`)).toEqual([
      'default/debug → db/postgres-0',
      expect.stringMatching(/^kube-system\/coredns-[a-z0-9]+-[a-z0-9]+ → db\/postgres-0$/),
      expect.stringMatching(/^kube-system\/coredns-[a-z0-9]+-[a-z0-9]+ → db\/postgres-0$/),
    ]);
    expect(d.changes.every((c) => c.pairs === 1)).toBe(true);
  });

  test('scaling alone changes nothing, but is still a change per pod', () => {
    const before = engine('shop.yaml', 'lock-db.yaml');
    const after = engine('shop-scaled.yaml', 'lock-db.yaml');
    expect(diffEngines(before, after).changes).toEqual([]);
    // Per pod the renamed front-end pods are new flows and the old ones are gone.
    const byPod = diffEngines(before, after, { by: 'pod', explain: false });
    expect(byPod.changes.some((c) => c.before === 'absent')).toBe(true);
    expect(byPod.changes.some((c) => c.after === 'absent')).toBe(true);
  });

  test('the output does not depend on file order and is the same every time', () => {
    const a = diffEngines(engine('shop.yaml'), engine('debug-dns.yaml', 'shop.yaml'), {
      probes: PROBES,
    });
    const b = diffEngines(engine('shop.yaml'), engine('shop.yaml', 'debug-dns.yaml'), {
      probes: PROBES,
    });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.parse(JSON.stringify(a))).toEqual(a); // plain data, for the worker
  });

  test('a probe unresolvable on both sides is no change; on one side it is absent there', () => {
    // The lock changes who may reach PostgreSQL on 5432, so a probe there would show a change
    // if it resolved; its source exists on neither side, so it shows none.
    const ghost = [{ id: 'ghost', from: 'default/nobody', to: 'db/postgres-0', port: 5432 }];
    const before = engine('shop.yaml');
    const after = engine('shop.yaml', 'lock-db.yaml');
    const withGhost = diffEngines(before, after, { probes: ghost });
    expect(withGhost.summary.probes).toBe(1);
    expect(withGhost.changes.flatMap((c) => c.probes)).toEqual([]);
    expect(withGhost.changes).toEqual(diffEngines(before, after).changes);
    const d = diffEngines(
      engine('shop.yaml', 'lock-db.yaml'),
      engine('shop.yaml', 'lock-db.yaml', 'reporting.yaml'),
      { probes: PROBES },
    );
    const probeRow = d.changes.find((c) => c.probes.includes('report-to-frontend'))!;
    expect(probeRow).toMatchObject({ before: 'absent', after: 'allowed', pairs: 4 });
  });
});

describe('l7Label', () => {
  test.each([
    [{ http: { path: '/api' } }, 'GET /api'],
    [
      { http: { method: 'post', path: '/x', headers: { 'X-B': '1', 'X-A': '2' } } },
      'POST /x headers=X-A,X-B',
    ],
    [{ http: { host: 'shop.example' } }, 'GET / host=shop.example'],
    [{ dns: { query: 'example.com', type: 'aaaa' } }, 'DNS example.com AAAA'],
    [{ kafka: { apiKey: 'fetch', topic: 'orders' } }, 'Kafka fetch orders'],
    [{}, null],
  ])('%j → %s', (extra, label) => {
    expect(l7Label({ id: 'p', from: 'a/b', to: 'c/d', port: 80, ...extra })).toBe(label);
  });
});
