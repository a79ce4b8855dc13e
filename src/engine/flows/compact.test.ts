/**
 * Printing flows as `hubble observe` does, against the lines quoted in fidelity.md §5.
 *
 * | what                | checks                                                                |
 * |---------------------|-----------------------------------------------------------------------|
 * | time                | StampMilli in UTC, one-digit days padded with a space, N/A           |
 * | identities          | `(ID:n)`, reserved names, local CIDR identities as numbers            |
 * | arrows              | `->`, `<-` with the ends swapped, `<>` when is_reply is unset          |
 * | TYPE / VERDICT      | trace points, drop reasons, policy-verdict match types, ALLOWED/DENIED |
 * | summaries           | TCP flags order, UDP, HTTP, DNS (rcodes, empty answers), Kafka        |
 * | dict / json         | separators and alignment; the captured JSON line reproduced           |
 */
import { describe, expect, test } from 'vitest';
import {
  flowType,
  formatCompact,
  formatDict,
  hostname,
  identityText,
  stampMilli,
  verdictText,
} from './compact.ts';
import { formatJson } from './json.ts';
import type { Flow, FlowEndpoint, Verdict } from './model.ts';
import { dnsSummary, flowSummary, kafkaSummary, tcpFlagsSummary } from './summary.ts';

const pod = (ns: string, name: string, identity: number): FlowEndpoint => ({
  identity,
  namespace: ns,
  labels: [],
  pod_name: name,
});

/** A TCP flow between two pods; override what a case needs. */
function flow(over: Partial<Flow> = {}): Flow {
  const f: Flow = {
    time: '2026-03-29T21:06:33.831456789Z',
    uuid: '00000000-0000-4000-8000-000000000000',
    verdict: 'FORWARDED',
    IP: { source: '10.244.1.5', destination: '10.244.2.9', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 48740, destination_port: 80, flags: { SYN: true } } },
    source: pod('default', 'testpod', 2615),
    destination: pod('basics', 'basicdeploy-65ff8695df-p58zr', 9727),
    Type: 'L3_L4',
    node_name: 'kind-worker',
    event_type: { type: 4 },
    traffic_direction: 'INGRESS',
    trace_observation_point: 'TO_ENDPOINT',
    is_reply: false,
    Summary: '',
    ...over,
  };
  if (!over.Summary) f.Summary = flowSummary(f);
  return f;
}

describe('time', () => {
  test.each([
    ['2026-03-29T21:06:33.831456789Z', 'Mar 29 21:06:33.831'],
    ['2026-05-04T13:23:40.501Z', 'May  4 13:23:40.501'],
    ['2026-01-01T00:00:00Z', 'Jan  1 00:00:00.000'],
    ['2026-10-01T15:34:08.5Z', 'Oct  1 15:34:08.500'],
    ['2026-12-31T23:59:59.999999999Z', 'Dec 31 23:59:59.999'],
    ['not a time', 'N/A'],
    ['', 'N/A'],
  ])('%s → %s', (time, printed) => {
    expect(stampMilli(time)).toBe(printed);
  });
});

describe('identities', () => {
  test.each([
    [0, '(unknown)'],
    [1, '(host)'],
    [2, '(world)'],
    [3, '(unmanaged)'],
    [4, '(health)'],
    [5, '(init)'],
    [6, '(remote-node)'],
    [7, '(kube-apiserver)'],
    [8, '(ingress)'],
    [9, '(world-ipv4)'],
    [256, '(ID:256)'],
    [25698, '(ID:25698)'],
    [16777217, '(ID:16777217)'],
  ])('%i → %s', (id, text) => {
    expect(identityText(id)).toBe(text);
  });
});

describe('hosts', () => {
  test.each([
    ['10.0.0.1', '80', pod('default', 'web', 1), undefined, 'default/web:80'],
    ['104.198.14.52', '443', undefined, ['api.github.com'], 'api.github.com:443'],
    ['104.198.14.52', '443', undefined, ['a.example', 'b.example'], 'a.example,b.example:443'],
    ['104.198.14.52', '443', undefined, undefined, '104.198.14.52:443'],
    ['fd00::1', '8080', undefined, undefined, '[fd00::1]:8080'],
    ['10.0.0.1', '0', undefined, undefined, '10.0.0.1'],
    ['10.0.0.1', '', undefined, undefined, '10.0.0.1'],
  ])('%s:%s', (ip, port, ep, names, text) => {
    expect(hostname(ip, port, ep, names)).toBe(text);
  });
});

describe('compact lines', () => {
  const denied = {
    verdict: 'DROPPED' as Verdict,
    drop_reason: 133,
    drop_reason_desc: 'POLICY_DENIED' as const,
    is_reply: undefined,
    trace_observation_point: undefined,
  };
  test.each<[string, Partial<Flow>, string]>([
    [
      'denied policy verdict: <> and DENIED',
      { ...denied, event_type: { type: 5 } },
      'Mar 29 21:06:33.831: default/testpod:48740 (ID:2615) <> basics/basicdeploy-65ff8695df-p58zr:80 (ID:9727) policy-verdict:none INGRESS DENIED (TCP Flags: SYN)',
    ],
    [
      'policy drop',
      { ...denied, event_type: { type: 1, sub_type: 133 } },
      'Mar 29 21:06:33.831: default/testpod:48740 (ID:2615) <> basics/basicdeploy-65ff8695df-p58zr:80 (ID:9727) Policy denied DROPPED (TCP Flags: SYN)',
    ],
    [
      'deny-rule drop',
      { ...denied, drop_reason: 181, event_type: { type: 1, sub_type: 181 } },
      'Mar 29 21:06:33.831: default/testpod:48740 (ID:2615) <> basics/basicdeploy-65ff8695df-p58zr:80 (ID:9727) Policy denied by denylist DROPPED (TCP Flags: SYN)',
    ],
    [
      'allowed verdict toward a learned name',
      {
        time: '2026-05-04T13:23:40.501Z',
        event_type: { type: 5 },
        policy_match_type: 1,
        traffic_direction: 'EGRESS',
        trace_observation_point: undefined,
        source: pod('default', 'tiefighter', 5190),
        l4: { TCP: { source_port: 38212, destination_port: 443, flags: { SYN: true } } },
        IP: { source: '10.244.1.5', destination: '140.82.121.6', ipVersion: 'IPv4' },
        destination: { identity: 16777217, labels: [] },
        destination_names: ['api.github.com'],
      },
      'May  4 13:23:40.501: default/tiefighter:38212 (ID:5190) -> api.github.com:443 (ID:16777217) policy-verdict:L3-Only EGRESS ALLOWED (TCP Flags: SYN)',
    ],
    [
      'redirected verdict prints ALLOWED',
      { verdict: 'REDIRECTED', event_type: { type: 5 }, policy_match_type: 2 },
      'Mar 29 21:06:33.831: default/testpod:48740 (ID:2615) -> basics/basicdeploy-65ff8695df-p58zr:80 (ID:9727) policy-verdict:L3-L4 INGRESS ALLOWED (TCP Flags: SYN)',
    ],
    [
      'reply: ends swapped, arrow back',
      {
        is_reply: true,
        IP: { source: '10.244.2.9', destination: '10.244.1.5', ipVersion: 'IPv4' },
        l4: { TCP: { source_port: 80, destination_port: 48740, flags: { SYN: true, ACK: true } } },
        source: pod('basics', 'basicdeploy-65ff8695df-p58zr', 9727),
        destination: pod('default', 'testpod', 2615),
      },
      'Mar 29 21:06:33.831: default/testpod:48740 (ID:2615) <- basics/basicdeploy-65ff8695df-p58zr:80 (ID:9727) to-endpoint FORWARDED (TCP Flags: SYN, ACK)',
    ],
    [
      'to-stack toward the world, UDP',
      {
        l4: { UDP: { source_port: 5353, destination_port: 53 } },
        trace_observation_point: 'TO_STACK',
        event_type: { type: 4, sub_type: 3 },
        IP: { source: '10.244.1.5', destination: '8.8.8.8', ipVersion: 'IPv4' },
        destination: { identity: 2, labels: ['reserved:world'] },
      },
      'Mar 29 21:06:33.831: default/testpod:5353 (ID:2615) -> 8.8.8.8:53 (world) to-stack FORWARDED (UDP)',
    ],
    [
      'from the host',
      {
        source: { identity: 1, labels: ['reserved:host'] },
        event_type: { type: 4, sub_type: 1 },
      },
      'Mar 29 21:06:33.831: 10.244.1.5:48740 (host) -> basics/basicdeploy-65ff8695df-p58zr:80 (ID:9727) to-proxy FORWARDED (TCP Flags: SYN)',
    ],
  ])('%s', (_name, over, line) => {
    expect(formatCompact(flow(over))).toBe(line);
  });

  test('HTTP request and response, as in the docs', () => {
    const base = {
      Type: 'L7' as const,
      event_type: { type: 129 },
      trace_observation_point: undefined,
      source: pod('default', 'tiefighter', 25698),
      destination: pod('default', 'deathstar-c74d84667-cx5kp', 6822),
      l4: { TCP: { source_port: 42690, destination_port: 80 } },
      time: '2026-05-04T13:23:40.501Z',
    };
    const http = {
      method: 'POST',
      url: 'http://deathstar.default.svc.cluster.local/v1/request-landing',
      protocol: 'HTTP/1.1',
    };
    const req = flow({ ...base, l7: { type: 'REQUEST', http } });
    const resp = flow({
      ...base,
      time: '2026-05-04T13:23:40.502Z',
      is_reply: true,
      source: base.destination,
      destination: base.source,
      IP: { source: '10.244.2.9', destination: '10.244.1.5', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 80, destination_port: 42690 } },
      l7: { type: 'RESPONSE', latency_ns: 412_000, http: { code: 200, ...http } },
    });
    expect(formatCompact(req)).toBe(
      'May  4 13:23:40.501: default/tiefighter:42690 (ID:25698) -> default/deathstar-c74d84667-cx5kp:80 (ID:6822) http-request FORWARDED (HTTP/1.1 POST http://deathstar.default.svc.cluster.local/v1/request-landing)',
    );
    expect(formatCompact(resp)).toBe(
      'May  4 13:23:40.502: default/tiefighter:42690 (ID:25698) <- default/deathstar-c74d84667-cx5kp:80 (ID:6822) http-response FORWARDED (HTTP/1.1 200 0ms (POST http://deathstar.default.svc.cluster.local/v1/request-landing))',
    );
    expect(
      flowType(
        flow({
          ...base,
          l7: { type: 'REQUEST', dns: { query: 'a.', observation_source: 'proxy', qtypes: ['A'] } },
        }),
      ),
    ).toBe('dns-request proxy');
  });

  test('--print-node-name and --print-policy-names', () => {
    const policy = (name: string, kind: string) => ({ name, labels: [], revision: 2, kind });
    const f = flow({
      event_type: { type: 5 },
      policy_match_type: 2,
      ingress_allowed_by: [policy('rule1', 'CiliumNetworkPolicy'), policy('base', 'NetworkPolicy')],
    });
    expect(formatCompact(f, { printNodeName: true, printPolicyNames: true })).toBe(
      'Mar 29 21:06:33.831 [kind-worker]: default/testpod:48740 (ID:2615) -> basics/basicdeploy-65ff8695df-p58zr:80 (ID:9727) policy-verdict:L3-L4 INGRESS ALLOWED BY rule1 (CiliumNetworkPolicy), base (NetworkPolicy) (TCP Flags: SYN)',
    );
    // Names follow the flow's direction; a denial without deny rules has none to show.
    expect(verdictText({ ...f, traffic_direction: 'EGRESS' }, { printPolicyNames: true })).toBe(
      'ALLOWED',
    );
    expect(
      verdictText(flow({ verdict: 'DROPPED', event_type: { type: 5 } }), {
        printPolicyNames: true,
      }),
    ).toBe('DENIED');
  });

  test.each<[Verdict, number, string]>([
    ['FORWARDED', 5, 'ALLOWED'],
    ['REDIRECTED', 5, 'ALLOWED'],
    ['DROPPED', 5, 'DENIED'],
    ['ERROR', 5, 'DENIED'],
    ['AUDIT', 5, 'AUDITED'],
    ['FORWARDED', 4, 'FORWARDED'],
    ['DROPPED', 1, 'DROPPED'],
    ['REDIRECTED', 4, 'REDIRECTED'],
  ])('%s on event type %i prints %s', (verdict, type, text) => {
    expect(verdictText(flow({ verdict, event_type: { type } }))).toBe(text);
  });
});

describe('summaries', () => {
  test.each([
    [{ SYN: true }, 'TCP Flags: SYN'],
    [{ ACK: true, SYN: true }, 'TCP Flags: SYN, ACK'],
    [{ PSH: true, ACK: true }, 'TCP Flags: ACK, PSH'],
    [{ FIN: true, ACK: true }, 'TCP Flags: ACK, FIN'],
    [{ RST: true, ACK: true }, 'TCP Flags: ACK, RST'],
  ])('%j → %s', (flags, text) => {
    expect(tcpFlagsSummary(flags)).toBe(text);
  });

  test.each([
    [
      { query: 'web.default.svc.cluster.local.', ips: ['10.96.118.37'], ttl: 30, qtypes: ['A'] },
      'DNS Answer "10.96.118.37" TTL: 30 (Proxy web.default.svc.cluster.local. A)',
    ],
    [
      {
        query: 'www.github.com.',
        ips: ['20.205.243.166'],
        cnames: ['github.com.'],
        ttl: 30,
        qtypes: ['A'],
      },
      'DNS Answer "20.205.243.166" CNAMEs: "github.com." TTL: 30 (Proxy www.github.com. A)',
    ],
    [
      { query: 'google.com.', rcode: 2, ttl: 4294967295, qtypes: ['AAAA'] },
      'DNS Answer RCode: Server Failure  TTL: 4294967295 (Proxy google.com. AAAA)',
    ],
    [
      { query: 'nope.example.', rcode: 3, ttl: 4294967295, qtypes: ['A'] },
      'DNS Answer RCode: Non-Existent Domain TTL: 4294967295 (Proxy nope.example. A)',
    ],
    [
      { query: 'webpod.default.svc.cluster.local.', ttl: 4294967295, qtypes: ['AAAA'] },
      'DNS Answer  TTL: 4294967295 (Proxy webpod.default.svc.cluster.local. AAAA)',
    ],
  ])('DNS answer %#', (dns, text) => {
    expect(dnsSummary('RESPONSE', { observation_source: 'proxy', ...dns })).toBe(text);
  });

  test('DNS query and Kafka', () => {
    expect(
      dnsSummary('REQUEST', { query: 'shiun.me.', observation_source: 'proxy', qtypes: ['A'] }),
    ).toBe('DNS Query shiun.me. A');
    const k = { api_key: 'produce', correlation_id: 7, topic: 'orders' };
    expect(kafkaSummary('REQUEST', k)).toBe(
      "Kafka request produce correlation id 7 topic 'orders'",
    );
    expect(kafkaSummary('RESPONSE', { ...k, error_code: 29 })).toBe(
      "Kafka response produce correlation id 7 topic 'orders' return code 29",
    );
  });
});

describe('other formats', () => {
  test('dict: right-aligned keys, dashes between records, no identities', () => {
    const a = flow();
    const b = flow({ verdict: 'DROPPED', event_type: { type: 5 }, is_reply: undefined });
    expect(formatDict([a, b], { printNodeName: true })).toBe(
      [
        '  TIMESTAMP: Mar 29 21:06:33.831',
        '       NODE: kind-worker',
        '     SOURCE: default/testpod:48740',
        'DESTINATION: basics/basicdeploy-65ff8695df-p58zr:80',
        '       TYPE: to-endpoint',
        '    VERDICT: FORWARDED',
        '    SUMMARY: TCP Flags: SYN',
        '------------',
        '  TIMESTAMP: Mar 29 21:06:33.831',
        '       NODE: kind-worker',
        '     SOURCE: default/testpod:48740',
        'DESTINATION: basics/basicdeploy-65ff8695df-p58zr:80',
        '       TYPE: policy-verdict:none INGRESS',
        '    VERDICT: DENIED',
        '    SUMMARY: TCP Flags: SYN',
        '',
      ].join('\n'),
    );
    expect(formatDict([])).toBe('');
  });

  test('json: the captured line of fidelity.md §5.5, field for field', () => {
    const captured =
      '{"flow":{"time":"2026-09-20T14:56:45.779111730Z","uuid":"2848b6b6-59c0-4be2-8bdc-3a5861de4c68","verdict":"DROPPED","drop_reason":133,"IP":{"source":"10.0.1.116","destination":"10.0.1.117","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":38160,"destination_port":8080,"flags":{"SYN":true}}},"source":{"ID":4070,"identity":60176,"namespace":"agent-restricted","labels":["k8s:app=agent-probe"],"pod_name":"agent-probe"},"destination":{"ID":2376,"identity":10337,"namespace":"corp-prod","labels":["k8s:app=corp-prod-target"],"pod_name":"corp-prod-target"},"Type":"L3_L4","node_name":"k3d-agent-zone-control-agent-0","traffic_direction":"EGRESS","drop_reason_desc":"POLICY_DENIED","Summary":"TCP Flags: SYN"},"node_name":"k3d-agent-zone-control-agent-0","time":"2026-09-20T14:56:45.779111730Z"}';
    const f: Flow = {
      time: '2026-09-20T14:56:45.779111730Z',
      uuid: '2848b6b6-59c0-4be2-8bdc-3a5861de4c68',
      verdict: 'DROPPED',
      drop_reason: 133,
      IP: { source: '10.0.1.116', destination: '10.0.1.117', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 38160, destination_port: 8080, flags: { SYN: true } } },
      source: {
        ID: 4070,
        identity: 60176,
        namespace: 'agent-restricted',
        labels: ['k8s:app=agent-probe'],
        pod_name: 'agent-probe',
      },
      destination: {
        ID: 2376,
        identity: 10337,
        namespace: 'corp-prod',
        labels: ['k8s:app=corp-prod-target'],
        pod_name: 'corp-prod-target',
      },
      Type: 'L3_L4',
      node_name: 'k3d-agent-zone-control-agent-0',
      traffic_direction: 'EGRESS',
      drop_reason_desc: 'POLICY_DENIED',
      Summary: 'TCP Flags: SYN',
    };
    expect(formatJson(f)).toBe(captured);
  });

  test('json: 64-bit numbers as strings, BoolValue false kept, HTML characters escaped', () => {
    const f = flow({
      Type: 'L7',
      event_type: { type: 129 },
      trace_observation_point: undefined,
      l7: {
        type: 'RESPONSE',
        latency_ns: 1234567,
        http: { code: 200, method: 'GET', url: 'http://web/?a=1&b=<2>', protocol: 'HTTP/1.1' },
      },
      ingress_allowed_by: [{ name: 'p', namespace: 'n', labels: ['x'], revision: 3, kind: 'K' }],
    });
    const line = formatJson(f);
    expect(line).toContain('"latency_ns":"1234567"');
    expect(line).toContain('"revision":"3"');
    expect(line).toContain('"is_reply":false');
    expect(line).toContain('http://web/?a=1\\u0026b=\\u003c2\\u003e');
    expect(line).not.toContain('\n');
    expect(JSON.parse(line).flow.l7.http.url).toBe('http://web/?a=1&b=<2>');
  });
});
