/**
 * Flow records shaped like Hubble's observer `Flow` message (api/v1/flow/flow.proto).
 *
 * Property names are the proto field names, which is also how `hubble observe -o json` spells
 * them (`IP`, `l4`, `TCP`, `Type`, `Summary`, snake_case elsewhere). Enums hold their proto value
 * names. Optional properties stand for fields a real flow leaves unset; json.ts leaves them out,
 * as protojson does with unset and zero-valued fields.
 */

/** Every verdict a flow can carry, in proto order. */
export const VERDICTS = [
  'FORWARDED',
  'DROPPED',
  'ERROR',
  'AUDIT',
  'REDIRECTED',
  'TRACED',
  'TRANSLATED',
] as const;

export type Verdict = (typeof VERDICTS)[number];

export type TrafficDirection = 'INGRESS' | 'EGRESS' | 'TRAFFIC_DIRECTION_UNKNOWN';

/** `TraceObservationPoint` values the simulator produces. */
export type ObservationPoint =
  | 'TO_PROXY'
  | 'TO_HOST'
  | 'TO_STACK'
  | 'TO_OVERLAY'
  | 'TO_ENDPOINT'
  | 'FROM_ENDPOINT'
  | 'FROM_PROXY'
  | 'FROM_HOST'
  | 'FROM_STACK'
  | 'FROM_OVERLAY'
  | 'FROM_NETWORK'
  | 'TO_NETWORK';

/** `DropReason` values for policy drops. */
export type DropReasonDesc = 'POLICY_DENIED' | 'POLICY_DENY';

export type FlowType = 'L3_L4' | 'L7';

/** TCP flags; only the set ones are present. Proto order: FIN SYN RST PSH ACK URG ECE CWR NS. */
export interface TcpFlags {
  FIN?: boolean;
  SYN?: boolean;
  RST?: boolean;
  PSH?: boolean;
  ACK?: boolean;
  URG?: boolean;
  ECE?: boolean;
  CWR?: boolean;
  NS?: boolean;
}

export interface PortPair {
  source_port: number;
  destination_port: number;
}

/** `Layer4`: exactly one of the members is set. */
export type Layer4 =
  { TCP: PortPair & { flags?: TcpFlags } } | { UDP: PortPair } | { SCTP: PortPair };

export interface FlowIP {
  source: string;
  destination: string;
  ipVersion: 'IPv4' | 'IPv6';
}

export interface Workload {
  name: string;
  kind: string;
}

export interface FlowEndpoint {
  /** Cilium endpoint ID (absent for addresses that are not local endpoints). */
  ID?: number;
  identity: number;
  namespace?: string;
  /** `source:key=value`, sorted. */
  labels: string[];
  pod_name?: string;
  workloads?: Workload[];
}

/** A policy that allowed or denied a flow (`flow.Policy`). */
export interface FlowPolicy {
  name: string;
  namespace?: string;
  labels: string[];
  revision: number;
  kind: string;
}

export interface HttpHeader {
  key: string;
  value: string;
}

export interface HttpRecord {
  /** Responses only. */
  code?: number;
  method: string;
  url: string;
  protocol: string;
  headers?: HttpHeader[];
}

export interface DnsRecord {
  /** With the trailing dot. */
  query: string;
  ips?: string[];
  ttl?: number;
  cnames?: string[];
  observation_source: string;
  /** Numeric DNS rcode: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED. */
  rcode?: number;
  qtypes: string[];
  rrtypes?: string[];
}

export interface KafkaRecord {
  /** Responses only. */
  error_code?: number;
  api_version?: number;
  api_key: string;
  correlation_id: number;
  topic?: string;
}

export interface Layer7 {
  type: 'REQUEST' | 'RESPONSE';
  latency_ns?: number;
  http?: HttpRecord;
  dns?: DnsRecord;
  kafka?: KafkaRecord;
}

export interface CiliumEventType {
  type: number;
  sub_type?: number;
}

export interface Flow {
  /** RFC 3339 in UTC, as protojson prints a Timestamp. */
  time: string;
  uuid: string;
  verdict: Verdict;
  /** Deprecated numeric drop reason; set on drops and denied policy verdicts. */
  drop_reason?: number;
  IP: FlowIP;
  l4: Layer4;
  source: FlowEndpoint;
  destination: FlowEndpoint;
  Type: FlowType;
  node_name: string;
  /** Names the source address was learned under through the DNS proxy (no trailing dot). */
  source_names?: string[];
  destination_names?: string[];
  l7?: Layer7;
  /** The monitor event the flow came from; always set on flows the simulator builds. */
  event_type?: CiliumEventType;
  traffic_direction: TrafficDirection;
  /** Policy verdicts only: 1 L3-Only, 2 L3-L4, 3 L4-Only, 4 all (0, none, is left out). */
  policy_match_type?: number;
  trace_observation_point?: ObservationPoint;
  drop_reason_desc?: DropReasonDesc;
  /** Unset (undefined) when the datapath cannot tell, as for drops and denied verdicts. */
  is_reply?: boolean;
  Summary: string;
  egress_allowed_by?: FlowPolicy[];
  ingress_allowed_by?: FlowPolicy[];
  egress_denied_by?: FlowPolicy[];
  ingress_denied_by?: FlowPolicy[];
}

/** Monitor message types (pkg/monitor/api/types.go). */
export const EVENT_DROP = 1;
export const EVENT_TRACE = 4;
export const EVENT_POLICY_VERDICT = 5;
export const EVENT_L7 = 129;

/** Datapath drop reasons used by policy. */
export const DROP_POLICY_DENIED = 133;
export const DROP_POLICY_DENY = 181;

/** Drop reason texts as `hubble observe` prints them (pkg/monitor/api/drop.go). */
export const DROP_REASON_TEXT: Readonly<Record<number, string>> = {
  133: 'Policy denied',
  181: 'Policy denied by denylist',
};

/** Policy match types (pkg/monitor/api/types.go). */
export const MATCH_NONE = 0;
export const MATCH_L3_ONLY = 1;
export const MATCH_L3_L4 = 2;
export const MATCH_L4_ONLY = 3;
export const MATCH_ALL = 4;

export const MATCH_TYPE_TEXT: readonly string[] = [
  'none',
  'L3-Only',
  'L3-L4',
  'L4-Only',
  'all',
  'L3-Proto',
  'Proto-Only',
];

/** Trace sub-types (the datapath's observation point numbers) and their printed names. */
export const TRACE_POINTS: Readonly<Record<ObservationPoint, { subType: number; text: string }>> = {
  TO_ENDPOINT: { subType: 0, text: 'to-endpoint' },
  TO_PROXY: { subType: 1, text: 'to-proxy' },
  TO_HOST: { subType: 2, text: 'to-host' },
  TO_STACK: { subType: 3, text: 'to-stack' },
  TO_OVERLAY: { subType: 4, text: 'to-overlay' },
  FROM_ENDPOINT: { subType: 5, text: 'from-endpoint' },
  FROM_PROXY: { subType: 6, text: 'from-proxy' },
  FROM_HOST: { subType: 7, text: 'from-host' },
  FROM_STACK: { subType: 8, text: 'from-stack' },
  FROM_OVERLAY: { subType: 9, text: 'from-overlay' },
  FROM_NETWORK: { subType: 10, text: 'from-network' },
  TO_NETWORK: { subType: 11, text: 'to-network' },
};

/** Reserved identity numbers and the names Hubble prints for them (pkg/identity). */
export const RESERVED_IDENTITY_NAMES: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'host',
  2: 'world',
  3: 'unmanaged',
  4: 'health',
  5: 'init',
  6: 'remote-node',
  7: 'kube-apiserver',
  8: 'ingress',
  9: 'world-ipv4',
  10: 'world-ipv6',
};

/** The first identity of the node-local CIDR/FQDN range (pkg/identity: LocalIdentityFlag + 1). */
export const FIRST_LOCAL_IDENTITY = 16777217;

/** The literal Hubble puts in place of redacted values (pkg/hubble/defaults). */
export const REDACTED = 'HUBBLE_REDACTED';
