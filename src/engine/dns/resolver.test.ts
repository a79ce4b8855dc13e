/**
 * The simulated DNS.
 *
 * | name                                   | answer                          |
 * |----------------------------------------|---------------------------------|
 * | flask-app-service.db.svc.cluster.local | the ClusterIP                   |
 * | mydb-service.db.svc.cluster.local      | the postgres pod (headless)     |
 * | postgres-0.mydb-service.db.svc...      | that pod                        |
 * | api.github.com (in the zone)           | the zone's addresses            |
 * | nosuch.example (not in the zone)       | NXDOMAIN                        |
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Engine } from '../engine.ts';
import { answer, candidateNames } from './resolver.ts';

const engine = new Engine();
engine.load([
  { name: 'cluster.yaml', text: readFileSync('examples/flask-postgres/cluster.yaml', 'utf8') },
]);
const cluster = engine.cluster;
const zone = {
  'api.github.com': ['140.82.112.6'],
  'example.com.': ['93.184.215.14', '93.184.215.15'],
};
const svcIp = cluster.services.find((s) => s.name === 'flask-app-service')!.clusterIP;
const pgIp = cluster.pods.find((p) => p.name === 'postgres-0')!.ip;

describe('answer', () => {
  test.each([
    ['flask-app-service.db.svc.cluster.local', 'NOERROR', [svcIp]],
    ['FLASK-APP-SERVICE.db.svc.cluster.local.', 'NOERROR', [svcIp]],
    ['kube-dns.kube-system.svc.cluster.local', 'NOERROR', ['10.96.0.10']],
    ['mydb-service.db.svc.cluster.local', 'NOERROR', [pgIp]],
    ['postgres-0.mydb-service.db.svc.cluster.local', 'NOERROR', [pgIp]],
    [`${pgIp.replace(/\./g, '-')}.db.pod.cluster.local`, 'NOERROR', [pgIp]],
    ['nosuch.db.svc.cluster.local', 'NXDOMAIN', []],
    ['flask-app-service.db.svc.cluster.local.db.svc.cluster.local', 'NXDOMAIN', []],
    ['api.github.com', 'NOERROR', ['140.82.112.6']],
    ['example.com', 'NOERROR', ['93.184.215.14', '93.184.215.15']],
    ['nosuch.example', 'NXDOMAIN', []],
  ])('%s → %s', (name, rcode, addresses) => {
    const a = answer(cluster, zone, name);
    expect(a.rcode).toBe(rcode);
    expect(a.addresses).toEqual(addresses);
  });
});

describe('candidateNames (search list, ndots:5)', () => {
  test('a short name tries the search list first', () => {
    expect(candidateNames('api.github.com', 'db')).toEqual([
      'api.github.com.db.svc.cluster.local.',
      'api.github.com.svc.cluster.local.',
      'api.github.com.cluster.local.',
      'api.github.com.',
    ]);
  });
  test('a trailing dot means the name alone', () => {
    expect(candidateNames('api.github.com.', 'db')).toEqual(['api.github.com.']);
  });
  test('five dots try the name first', () => {
    expect(candidateNames('a.b.c.d.e.f', 'db')[0]).toBe('a.b.c.d.e.f.');
  });
});
