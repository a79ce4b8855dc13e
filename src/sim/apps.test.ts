/** The simulated applications: who listens where, and what they answer. */
import { describe, expect, test } from 'vitest';
import type { ClusterNode, Pod } from '../engine/cluster/model.ts';
import {
  accessDenied,
  appOf,
  byteLength,
  listenerAt,
  NGINX_WELCOME,
  nodeListener,
  publicListener,
  splitQuery,
  upstreamRefused,
  type AppRequest,
  type HttpResponse,
} from './apps.ts';

function pod(images: string[], labels: Record<string, string> = {}, ports: number[] = []): Pod {
  return {
    namespace: 'ns',
    name: 'p-0',
    labels,
    ip: '10.244.0.9',
    nodeName: 'kind-worker',
    serviceAccount: 'default',
    hostNetwork: false,
    ports: ports.map((port) => ({ port, protocol: 'TCP' })),
    images,
  };
}

const now = new Date('2026-03-02T09:00:00Z');
const req = (method: string, path: string, headers: Record<string, string> = {}): AppRequest => ({
  method,
  path,
  host: 'svc',
  headers,
});
const header = (r: HttpResponse, name: string) =>
  r.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

describe('who listens where', () => {
  test.each([
    // images, labels, declared ports, port, protocol, app (undefined: nothing listens)
    [['nginx:1.27'], {}, [80], 80, 'TCP', 'nginx'],
    [['nginx'], {}, [8080], 8080, 'TCP', undefined],
    [['nginxinc/nginx-unprivileged'], {}, [], 8080, 'TCP', 'nginx'],
    [['flask-postgres:latest'], { app: 'flask-app' }, [5000], 5000, 'TCP', 'flask'],
    [['python:3.12'], { app: 'flask-app' }, [], 5000, 'TCP', 'flask'],
    [['example/discount-api'], { type: 'l7-test' }, [], 80, 'TCP', 'discount'],
    [['postgres:16'], { app: 'postgres' }, [5432], 5432, 'TCP', 'postgres'],
    [['postgres:16'], {}, [], 80, 'TCP', undefined],
    [
      ['docker.l5d.io/buoyantio/emojivoto-web:v11'],
      { app: 'web-svc' },
      [8080],
      8080,
      'TCP',
      'emojivoto-web',
    ],
    [
      ['docker.l5d.io/buoyantio/emojivoto-web:v11'],
      { app: 'vote-bot' },
      [],
      8080,
      'TCP',
      undefined,
    ],
    [['docker.l5d.io/buoyantio/emojivoto-emoji-svc:v11'], {}, [], 8080, 'TCP', 'emojivoto-emoji'],
    [['docker.l5d.io/buoyantio/emojivoto-voting-svc:v11'], {}, [], 8801, 'TCP', 'emojivoto-voting'],
    [
      ['registry.k8s.io/coredns/coredns:v1.12.0'],
      { 'k8s-app': 'kube-dns' },
      [],
      53,
      'UDP',
      'coredns',
    ],
    [
      ['registry.k8s.io/coredns/coredns:v1.12.0'],
      { 'k8s-app': 'kube-dns' },
      [],
      9153,
      'TCP',
      'coredns',
    ],
    [['prom/prometheus'], {}, [], 9090, 'TCP', 'prometheus'],
    [['prom'], {}, [9090], 9090, 'TCP', 'prometheus'],
    [['kafka'], {}, [9092], 9092, 'TCP', 'kafka'],
    [['kafka-client'], {}, [], 9092, 'TCP', undefined],
    [['curlimages/curl'], {}, [], 80, 'TCP', undefined],
    [['curl'], {}, [], 80, 'TCP', undefined],
    [['mccutchen/go-httpbin'], {}, [], 8080, 'TCP', 'httpbin'],
    [['example/my-api:2'], {}, [8080], 8080, 'TCP', 'echo'],
    [['example/my-api:2'], {}, [8080], 9090, 'TCP', undefined],
    [['example/my-api:2'], {}, [], 80, 'TCP', undefined],
  ] as const)('%j %j %j: %s/%s → %s', (images, labels, ports, port, proto, app) => {
    const l = listenerAt(pod([...images], { ...labels }, [...ports]), port, proto);
    expect(l?.app).toBe(app);
  });

  test('appOf names the application', () => {
    expect(appOf(pod(['nginx']))).toBe('nginx');
    expect(appOf(pod(['busybox']))).toBe('client');
    expect(appOf(pod(['x/unknown'], {}, [1234]))).toBe('echo');
  });

  test('nodes: the API server on control planes, the kubelet everywhere', () => {
    const node = (controlPlane: boolean): ClusterNode => ({
      name: 'n',
      ip: '172.18.0.2',
      podCIDR: '10.244.0.0/24',
      labels: {},
      controlPlane,
      schedulable: true,
      declared: false,
    });
    expect(nodeListener(node(true), 6443, 'TCP')?.app).toBe('kube-apiserver');
    expect(nodeListener(node(false), 6443, 'TCP')).toBeUndefined();
    expect(nodeListener(node(false), 10250, 'TCP')?.speaks).toBe('https');
  });

  test('public sites answer on 80 and 443 only', () => {
    expect(publicListener('example.com', 80, 'TCP')?.speaks).toBe('http');
    expect(publicListener('example.com', 443, 'TCP')?.speaks).toBe('https');
    expect(publicListener('example.com', 8443, 'TCP')).toBeUndefined();
  });
});

describe('what they answer', () => {
  const serve = (images: string[], labels: Record<string, string>, port: number, r: AppRequest) => {
    const l = listenerAt(pod(images, labels), port, 'TCP');
    if (!l?.serve) throw new Error('not an HTTP listener');
    return l.serve(r, { now, pod: pod(images, labels) });
  };

  test.each([
    // images, labels, port, method, path, status, a piece of the body
    [['nginx'], {}, 80, 'GET', '/', 200, 'Welcome to nginx!'],
    [['nginx'], {}, 80, 'GET', '/index.html', 200, 'Welcome to nginx!'],
    [['nginx'], {}, 80, 'GET', '/missing', 404, '404 Not Found'],
    [['nginx'], {}, 80, 'POST', '/', 405, '405 Not Allowed'],
    [['flask'], { app: 'flask-app' }, 5000, 'GET', '/', 200, '<!doctype html>'],
    [['flask'], { app: 'flask-app' }, 5000, 'GET', '/plot/temp', 200, 'Temperature'],
    [
      ['flask'],
      { app: 'flask-app' },
      5000,
      'GET',
      '/metrics',
      200,
      'python_gc_objects_collected_total{generation="0"} 927.0',
    ],
    [['flask'], { app: 'flask-app' }, 5000, 'POST', '/', 405, 'Method Not Allowed'],
    [['flask'], { app: 'flask-app' }, 5000, 'GET', '/admin', 404, 'Not Found'],
    [['d'], { type: 'l7-test' }, 80, 'GET', '/discount', 200, '"discount":"15%"'],
    [['d'], { type: 'l7-test' }, 80, 'POST', '/discount', 404, 'Cannot POST /discount'],
    [['emojivoto-web'], { app: 'web-svc' }, 8080, 'GET', '/', 200, '<title>Emoji Vote</title>'],
    [['emojivoto-web'], { app: 'web-svc' }, 8080, 'GET', '/leaderboard', 200, 'Emoji Vote'],
    [
      ['emojivoto-web'],
      { app: 'web-svc' },
      8080,
      'GET',
      '/api/list',
      200,
      '{"shortcode":":joy:","unicode":"😂"}',
    ],
    [['emojivoto-web'], { app: 'web-svc' }, 8080, 'GET', '/api/leaderboard', 200, '"votes":"431"'],
    [['emojivoto-web'], { app: 'web-svc' }, 8080, 'GET', '/api/vote?choice=:joy:', 200, ''],
    [
      ['emojivoto-web'],
      { app: 'web-svc' },
      8080,
      'GET',
      '/api/vote?choice=:doughnut:',
      500,
      'ERROR',
    ],
    [
      ['emojivoto-web'],
      { app: 'web-svc' },
      8080,
      'GET',
      '/api/vote?choice=:nope:',
      400,
      'doesnt exist',
    ],
    [['emojivoto-web'], { app: 'web-svc' }, 8080, 'GET', '/api/vote', 400, 'is mandatory'],
    [['emojivoto-voting-svc'], {}, 8801, 'GET', '/metrics', 200, 'go_goroutines'],
    [['prom/prometheus'], {}, 9090, 'GET', '/', 302, 'Found'],
    [['prom/prometheus'], {}, 9090, 'GET', '/-/healthy', 200, 'Healthy'],
    [['prom/prometheus'], {}, 9090, 'GET', '/nope', 404, '404 page not found'],
    [['go-httpbin'], {}, 8080, 'GET', '/status/418', 418, ''],
    [['go-httpbin'], {}, 8080, 'GET', '/headers', 200, '"X-Token"'],
    [['x/my-api'], {}, 8080, 'PUT', '/orders/1', 200, 'request: PUT /orders/1 HTTP/1.1'],
  ] as const)('%j %j :%s %s %s → %s', (images, labels, port, method, path, status, piece) => {
    const p = pod([...images], { ...labels }, [port]);
    const l = listenerAt(p, port, 'TCP');
    const r = l!.serve!(req(method, path, { 'x-token': 's3cret' }), { now, pod: p });
    expect(r.status).toBe(status);
    expect(r.body).toContain(piece);
  });

  test('HEAD gets the headers of GET and no body', () => {
    const r = serve(['nginx'], {}, 80, req('HEAD', '/'));
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
    expect(header(r, 'Content-Length')).toBe('615');
  });

  test('the nginx welcome page is 615 bytes, as the real one', () => {
    expect(byteLength(NGINX_WELCOME)).toBe(615);
  });

  test('Content-Length matches the body in bytes', () => {
    for (const [images, labels, port, path] of [
      [['nginx'], {}, 80, '/'],
      [['flask'], { app: 'flask-app' }, 5000, '/metrics'],
      [['d'], { type: 'l7-test' }, 80, '/discount'],
    ] as const) {
      const r = serve([...images], { ...labels }, port, req('GET', path));
      expect(Number(header(r, 'Content-Length'))).toBe(byteLength(r.body));
    }
  });

  test('a long Go body is chunked', () => {
    const r = serve(['emojivoto-web'], { app: 'web-svc' }, 8080, req('GET', '/api/list'));
    expect(header(r, 'Transfer-Encoding')).toBe('chunked');
    expect(header(r, 'Content-Length')).toBeUndefined();
  });

  test("Envoy's own answers", () => {
    const denied = accessDenied(now);
    expect([
      denied.status,
      denied.body,
      header(denied, 'server'),
      header(denied, 'content-length'),
    ]).toEqual([403, 'Access denied\r\n', 'envoy', '15']);
    expect(byteLength(denied.body)).toBe(15);
    expect(upstreamRefused(now).status).toBe(503);
  });

  test('query strings', () => {
    const q = splitQuery('/api/vote?choice=%3Ajoy%3A&x');
    expect(q.path).toBe('/api/vote');
    expect([...q.query]).toEqual([
      ['choice', ':joy:'],
      ['x', ''],
    ]);
  });
});
