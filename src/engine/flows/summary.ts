/**
 * The `Summary` text of a flow, as Hubble's parsers write it: the L3/L4 parser for packets
 * (`TCP Flags: SYN, ACK`, `UDP`) and the L7 parser for proxy records (seven/http.go, dns.go,
 * kafka.go).
 */
import type {
  DnsRecord,
  Flow,
  HttpRecord,
  KafkaRecord,
  Layer4,
  Layer7,
  TcpFlags,
} from './model.ts';

/** The order Hubble lists TCP flags in, which is not the proto order. */
const FLAG_ORDER: readonly (keyof TcpFlags)[] = [
  'SYN',
  'ACK',
  'RST',
  'FIN',
  'PSH',
  'URG',
  'ECE',
  'CWR',
  'NS',
];

export function tcpFlagsSummary(flags: TcpFlags | undefined): string {
  const set: string[] = [];
  if (flags) for (const f of FLAG_ORDER) if (flags[f]) set.push(f);
  return `TCP Flags: ${set.join(', ')}`;
}

export function l4Summary(l4: Layer4): string {
  if ('TCP' in l4) return tcpFlagsSummary(l4.TCP.flags);
  if ('UDP' in l4) return 'UDP';
  return 'SCTP';
}

/** gopacket's `DNSResponseCode.String()`; SERVFAIL really does end in a space. */
const RCODE_TEXT: Readonly<Record<number, string>> = {
  0: 'No Error',
  1: 'Format Error',
  2: 'Server Failure ',
  3: 'Non-Existent Domain',
  4: 'Not Implemented',
  5: 'Query Refused',
};

export function httpSummary(type: Layer7['type'], http: HttpRecord, latencyNs = 0): string {
  const request = `${http.method} ${http.url}`;
  if (type === 'REQUEST') return `${http.protocol} ${request}`;
  return `${http.protocol} ${http.code ?? 0} ${Math.floor(latencyNs / 1e6)}ms (${request})`;
}

export function dnsSummary(type: Layer7['type'], dns: DnsRecord): string {
  const qtypes = dns.qtypes.join(',');
  if (type === 'REQUEST') return `DNS Query ${dns.query} ${qtypes}`;
  const rcode = dns.rcode ?? 0;
  let answer: string;
  if (rcode !== 0) answer = `RCode: ${RCODE_TEXT[rcode] ?? 'Unknown'}`;
  else {
    const parts: string[] = [];
    if (dns.ips && dns.ips.length > 0) parts.push(JSON.stringify(dns.ips.join(',')));
    if (dns.cnames && dns.cnames.length > 0)
      parts.push(`CNAMEs: ${JSON.stringify(dns.cnames.join(','))}`);
    answer = parts.join(' ');
  }
  const source = dns.observation_source === 'proxy' ? 'Proxy' : 'Query';
  return `DNS Answer ${answer} TTL: ${dns.ttl ?? 0} (${source} ${dns.query} ${qtypes})`;
}

export function kafkaSummary(type: Layer7['type'], kafka: KafkaRecord): string {
  const head = `${kafka.api_key} correlation id ${kafka.correlation_id} topic '${kafka.topic ?? ''}'`;
  if (type === 'REQUEST') return `Kafka request ${head}`;
  return `Kafka response ${head} return code ${kafka.error_code ?? 0}`;
}

/** The summary of a flow, from its L7 record or its L4 header. */
export function flowSummary(flow: Pick<Flow, 'l4' | 'l7'>): string {
  const l7 = flow.l7;
  if (l7) {
    if (l7.http) return httpSummary(l7.type, l7.http, l7.latency_ns);
    if (l7.dns) return dnsSummary(l7.type, l7.dns);
    if (l7.kafka) return kafkaSummary(l7.type, l7.kafka);
    return '';
  }
  return l4Summary(flow.l4);
}
