/**
 * Hubble redaction (fidelity.md §5.6): what each agent option hides, in the summary and in the
 * JSON fields.
 */
import { describe, expect, test } from 'vitest';
import { formatCompact } from './compact.ts';
import { formatJson } from './json.ts';
import type { Flow } from './model.ts';
import { redactFlows, redactUrl, type RedactOptions } from './redact.ts';
import { flowSummary } from './summary.ts';

describe('URLs', () => {
  test.each<[string, Partial<RedactOptions>, string]>([
    ['http://web/search?q=secret', { urlQuery: true }, 'http://web/search'],
    ['http://web/search?q=secret#frag', { urlQuery: true }, 'http://web/search'],
    ['http://web/search#frag', { urlQuery: true }, 'http://web/search'],
    ['http://web/search?q=secret', {}, 'http://web/search?q=secret'],
    ['http://user:pw@web/', {}, 'http://user:HUBBLE_REDACTED@web/'],
    ['http://user:pw@web/', { userInfo: true }, 'http://user:HUBBLE_REDACTED@web/'],
    ['http://user:pw@web/', { userInfo: false }, 'http://user:pw@web/'],
    ['http://user@web/', {}, 'http://user@web/'],
    ['http://a:b@web:8080/x?y=1', { urlQuery: true }, 'http://a:HUBBLE_REDACTED@web:8080/x'],
    ['http://web?q=1', { urlQuery: true }, 'http://web'],
    ['/plain/path?x=1', { urlQuery: true }, '/plain/path'],
  ])('%s with %j', (url, opts, out) => {
    expect(redactUrl(url, opts)).toBe(out);
  });
});

function httpFlow(url: string, headers: [string, string][]): Flow {
  const f: Flow = {
    time: '2026-01-01T00:00:00.001Z',
    uuid: '00000000-0000-4000-8000-000000000000',
    verdict: 'FORWARDED',
    IP: { source: '10.244.1.5', destination: '10.244.2.9', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 40000, destination_port: 80 } },
    source: { identity: 300, namespace: 'shop', labels: [], pod_name: 'client' },
    destination: { identity: 301, namespace: 'shop', labels: [], pod_name: 'web' },
    Type: 'L7',
    node_name: 'kind-worker',
    l7: {
      type: 'REQUEST',
      http: {
        method: 'GET',
        url,
        protocol: 'HTTP/1.1',
        headers: headers.map(([key, value]) => ({ key, value })),
      },
    },
    event_type: { type: 129 },
    traffic_direction: 'INGRESS',
    is_reply: false,
    Summary: '',
  };
  f.Summary = flowSummary(f);
  return f;
}

const HEADERS: [string, string][] = [
  ['Authorization', 'Bearer abc'],
  ['Cookie', 'session=1'],
  ['X-Request-Id', 'r-1'],
];

describe('HTTP flows', () => {
  const f = httpFlow('http://web.shop.svc.cluster.local/search?q=secret', HEADERS);
  const values = (x: Flow) => x.l7!.http!.headers!.map((h) => h.value);

  test('the query is gone from the summary and from l7.http.url', () => {
    const [r] = redactFlows([f], { enabled: true, urlQuery: true });
    expect(formatCompact(r!)).toMatch(
      /http-request FORWARDED \(HTTP\/1\.1 GET http:\/\/web\.shop\.svc\.cluster\.local\/search\)$/,
    );
    expect(r!.l7!.http!.url).toBe('http://web.shop.svc.cluster.local/search');
    expect(formatJson(r!)).not.toContain('secret');
  });

  test.each<[string, RedactOptions, string[]]>([
    [
      'disabled: nothing changes',
      { enabled: false, urlQuery: true },
      ['Bearer abc', 'session=1', 'r-1'],
    ],
    [
      'enabled without lists: every value',
      { enabled: true },
      ['HUBBLE_REDACTED', 'HUBBLE_REDACTED', 'HUBBLE_REDACTED'],
    ],
    [
      'allow list: everything else',
      { enabled: true, headers: { allow: ['x-request-id'] } },
      ['HUBBLE_REDACTED', 'HUBBLE_REDACTED', 'r-1'],
    ],
    [
      'deny list: only those (names in any case)',
      { enabled: true, headers: { deny: ['AUTHORIZATION', 'cookie'] } },
      ['HUBBLE_REDACTED', 'HUBBLE_REDACTED', 'r-1'],
    ],
    [
      'both lists: allow wins, the rest redacted',
      { enabled: true, headers: { allow: ['cookie'], deny: ['authorization'] } },
      ['HUBBLE_REDACTED', 'session=1', 'HUBBLE_REDACTED'],
    ],
  ])('headers, %s', (_name, opts, expected) => {
    const [r] = redactFlows([f], opts);
    expect(values(r!)).toEqual(expected);
    // Keys stay; only values change.
    expect(r!.l7!.http!.headers!.map((h) => h.key)).toEqual(HEADERS.map(([k]) => k));
  });

  test('the input flows are left as they were', () => {
    redactFlows([f], { enabled: true, urlQuery: true });
    expect(f.l7!.http!.url).toContain('?q=secret');
    expect(values(f)).toEqual(['Bearer abc', 'session=1', 'r-1']);
  });

  test('a password in the URL is hidden by default once redaction is on', () => {
    const g = httpFlow('http://admin:hunter2@web/', []);
    expect(redactFlows([g], { enabled: true })[0]!.Summary).toBe(
      'HTTP/1.1 GET http://admin:HUBBLE_REDACTED@web/',
    );
    expect(redactFlows([g], { enabled: true, userInfo: false })[0]!.Summary).toBe(
      'HTTP/1.1 GET http://admin:hunter2@web/',
    );
  });
});

describe('Kafka flows', () => {
  const k: Flow = {
    ...httpFlow('http://x/', []),
    l7: { type: 'REQUEST', kafka: { api_key: 'produce', correlation_id: 3, topic: 'orders' } },
  };
  k.Summary = flowSummary(k);

  test.each<[RedactOptions, string]>([
    [
      { enabled: true, kafkaApiKey: true },
      "Kafka request HUBBLE_REDACTED correlation id 3 topic 'orders'",
    ],
    [{ enabled: true }, "Kafka request produce correlation id 3 topic 'orders'"],
    [
      { enabled: false, kafkaApiKey: true },
      "Kafka request produce correlation id 3 topic 'orders'",
    ],
  ])('%j', (opts, summary) => {
    const [r] = redactFlows([k], opts);
    expect(r!.Summary).toBe(summary);
    expect(formatJson(r!)).toContain(`"api_key":"${summary.split(' ')[2]}"`);
  });
});
