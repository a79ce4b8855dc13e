/**
 * `hubble observe -o json` (jsonpb): one `GetFlowsResponse` per line,
 * `{"flow":{…},"node_name":"…","time":"…"}`, no pretty-printing.
 *
 * Hubble marshals with protojson (proto field names, fields in declaration order, unset and
 * zero-valued fields left out, enums by name, 64-bit integers as strings) and writes through Go's
 * json.Encoder, which escapes `<`, `>`, `&`, U+2028 and U+2029.
 */
import type {
  DnsRecord,
  Flow,
  FlowEndpoint,
  FlowPolicy,
  HttpRecord,
  KafkaRecord,
  Layer4,
  Layer7,
  PortPair,
  TcpFlags,
} from './model.ts';

const NEEDS_ESCAPE = /[<>&\u2028\u2029]/;
const ESCAPES = /[<>&\u2028\u2029]/g;

function str(s: string): string {
  const j = JSON.stringify(s);
  if (!NEEDS_ESCAPE.test(j)) return j;
  return j.replace(ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Builds one JSON object, skipping what protojson would leave out. */
class Obj {
  private parts: string[] = [];

  s(key: string, v: string | undefined): this {
    if (v !== undefined && v !== '') this.parts.push(`"${key}":${str(v)}`);
    return this;
  }
  n(key: string, v: number | undefined): this {
    if (v !== undefined && v !== 0) this.parts.push(`"${key}":${v}`);
    return this;
  }
  /** A 64-bit integer, which protojson writes as a string. */
  n64(key: string, v: number | undefined): this {
    if (v !== undefined && v !== 0) this.parts.push(`"${key}":"${v}"`);
    return this;
  }
  b(key: string, v: boolean | undefined): this {
    if (v) this.parts.push(`"${key}":true`);
    return this;
  }
  /** A BoolValue wrapper: present means printed, false included. */
  wrapped(key: string, v: boolean | undefined): this {
    if (v !== undefined) this.parts.push(`"${key}":${v}`);
    return this;
  }
  strs(key: string, v: readonly string[] | undefined): this {
    if (v && v.length > 0) this.parts.push(`"${key}":[${v.map(str).join(',')}]`);
    return this;
  }
  raw(key: string, json: string | undefined): this {
    if (json !== undefined) this.parts.push(`"${key}":${json}`);
    return this;
  }
  list<T>(key: string, v: readonly T[] | undefined, f: (x: T) => string): this {
    if (v && v.length > 0) this.parts.push(`"${key}":[${v.map(f).join(',')}]`);
    return this;
  }
  toString(): string {
    return `{${this.parts.join(',')}}`;
  }
}

function flags(f: TcpFlags): string {
  return new Obj()
    .b('FIN', f.FIN)
    .b('SYN', f.SYN)
    .b('RST', f.RST)
    .b('PSH', f.PSH)
    .b('ACK', f.ACK)
    .b('URG', f.URG)
    .b('ECE', f.ECE)
    .b('CWR', f.CWR)
    .b('NS', f.NS)
    .toString();
}

function ports(p: PortPair): Obj {
  return new Obj().n('source_port', p.source_port).n('destination_port', p.destination_port);
}

function layer4(l4: Layer4): string {
  const o = new Obj();
  if ('TCP' in l4) {
    const t = l4.TCP;
    o.raw(
      'TCP',
      ports(t)
        .raw('flags', t.flags ? flags(t.flags) : undefined)
        .toString(),
    );
  } else if ('UDP' in l4) o.raw('UDP', ports(l4.UDP).toString());
  else o.raw('SCTP', ports(l4.SCTP).toString());
  return o.toString();
}

function endpoint(e: FlowEndpoint): string {
  return new Obj()
    .n('ID', e.ID)
    .n('identity', e.identity)
    .s('namespace', e.namespace)
    .strs('labels', e.labels)
    .s('pod_name', e.pod_name)
    .list('workloads', e.workloads, (w) => new Obj().s('name', w.name).s('kind', w.kind).toString())
    .toString();
}

function http(h: HttpRecord): string {
  return new Obj()
    .n('code', h.code)
    .s('method', h.method)
    .s('url', h.url)
    .s('protocol', h.protocol)
    .list('headers', h.headers, (x) => new Obj().s('key', x.key).s('value', x.value).toString())
    .toString();
}

function dns(d: DnsRecord): string {
  return new Obj()
    .s('query', d.query)
    .strs('ips', d.ips)
    .n('ttl', d.ttl)
    .strs('cnames', d.cnames)
    .s('observation_source', d.observation_source)
    .n('rcode', d.rcode)
    .strs('qtypes', d.qtypes)
    .strs('rrtypes', d.rrtypes)
    .toString();
}

function kafka(k: KafkaRecord): string {
  return new Obj()
    .n('error_code', k.error_code)
    .n('api_version', k.api_version)
    .s('api_key', k.api_key)
    .n('correlation_id', k.correlation_id)
    .s('topic', k.topic)
    .toString();
}

function layer7(l: Layer7): string {
  return new Obj()
    .s('type', l.type)
    .n64('latency_ns', l.latency_ns)
    .raw('dns', l.dns ? dns(l.dns) : undefined)
    .raw('http', l.http ? http(l.http) : undefined)
    .raw('kafka', l.kafka ? kafka(l.kafka) : undefined)
    .toString();
}

function policy(p: FlowPolicy): string {
  return new Obj()
    .s('name', p.name)
    .s('namespace', p.namespace)
    .strs('labels', p.labels)
    .n64('revision', p.revision)
    .s('kind', p.kind)
    .toString();
}

/** The `Flow` message alone, as protojson writes it. */
export function flowJson(f: Flow): string {
  return new Obj()
    .s('time', f.time)
    .s('uuid', f.uuid)
    .s('verdict', f.verdict)
    .n('drop_reason', f.drop_reason)
    .raw(
      'IP',
      new Obj()
        .s('source', f.IP.source)
        .s('destination', f.IP.destination)
        .s('ipVersion', f.IP.ipVersion)
        .toString(),
    )
    .raw('l4', layer4(f.l4))
    .raw('source', endpoint(f.source))
    .raw('destination', endpoint(f.destination))
    .s('Type', f.Type)
    .s('node_name', f.node_name)
    .strs('source_names', f.source_names)
    .strs('destination_names', f.destination_names)
    .raw('l7', f.l7 ? layer7(f.l7) : undefined)
    .raw(
      'event_type',
      f.event_type
        ? new Obj().n('type', f.event_type.type).n('sub_type', f.event_type.sub_type).toString()
        : undefined,
    )
    .s(
      'traffic_direction',
      f.traffic_direction === 'TRAFFIC_DIRECTION_UNKNOWN' ? undefined : f.traffic_direction,
    )
    .n('policy_match_type', f.policy_match_type)
    .s('trace_observation_point', f.trace_observation_point)
    .s('drop_reason_desc', f.drop_reason_desc)
    .wrapped('is_reply', f.is_reply)
    .s('Summary', f.Summary)
    .list('egress_allowed_by', f.egress_allowed_by, policy)
    .list('ingress_allowed_by', f.ingress_allowed_by, policy)
    .list('egress_denied_by', f.egress_denied_by, policy)
    .list('ingress_denied_by', f.ingress_denied_by, policy)
    .toString();
}

/** One line of `hubble observe -o json` (without the newline). */
export function formatJson(f: Flow): string {
  return `{"flow":${flowJson(f)},"node_name":${str(f.node_name)},"time":${str(f.time)}}`;
}
