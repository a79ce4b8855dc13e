/**
 * Reads flows exported from a real cluster: `hubble observe -o json` (one object per line,
 * either the `Flow` itself or the `GetFlowsResponse` around it, `{"flow": {...}, ...}`), a JSON
 * array of either, or a Hubble UI download. Fields keep their protojson spelling, so a record
 * turns into the same `Flow` shape the simulator builds; what a record lacks is filled with the
 * values protojson leaves out (zero, false, empty), and records without endpoints are skipped
 * with a note.
 */
import {
  VERDICTS,
  type Flow,
  type FlowEndpoint,
  type FlowPolicy,
  type Layer4,
  type Verdict,
} from './model.ts';

export interface ImportResult {
  flows: Flow[];
  /** One line per record that could not be read (`line 3: not JSON`). */
  problems: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** protojson writes 64-bit integers as strings. */
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
/** `BoolValue` wrappers print as the bare value; older exports wrap it in `{"value": ...}`. */
const bool = (v: unknown): boolean | undefined =>
  typeof v === 'boolean' ? v : isObject(v) ? bool(v['value']) : undefined;

function endpoint(v: unknown): FlowEndpoint | null {
  if (!isObject(v)) return null;
  const ep: FlowEndpoint = { identity: num(v['identity']) ?? 0, labels: strings(v['labels']) };
  const id = num(v['ID']);
  if (id !== undefined) ep.ID = id;
  const namespace = str(v['namespace']);
  if (namespace) ep.namespace = namespace;
  const pod = str(v['pod_name']);
  if (pod) ep.pod_name = pod;
  if (Array.isArray(v['workloads']))
    ep.workloads = v['workloads']
      .filter(isObject)
      .map((w) => ({ name: str(w['name']) ?? '', kind: str(w['kind']) ?? '' }))
      .filter((w) => w.name !== '');
  return ep;
}

function layer4(v: unknown): Layer4 | null {
  if (!isObject(v)) return null;
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    const p = v[protocol];
    if (!isObject(p)) continue;
    const ports = {
      source_port: num(p['source_port']) ?? 0,
      destination_port: num(p['destination_port']) ?? 0,
    };
    if (protocol === 'TCP') {
      const flags = isObject(p['flags'])
        ? Object.fromEntries(
            Object.entries(p['flags']).filter(([, set]) => set === true) as [string, boolean][],
          )
        : undefined;
      return { TCP: flags ? { ...ports, flags } : ports };
    }
    return protocol === 'UDP' ? { UDP: ports } : { SCTP: ports };
  }
  return null;
}

function policies(v: unknown): FlowPolicy[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter(isObject).map((p) => {
    const policy: FlowPolicy = {
      name: str(p['name']) ?? '',
      labels: strings(p['labels']),
      revision: num(p['revision']) ?? 0,
      kind: str(p['kind']) ?? '',
    };
    const namespace = str(p['namespace']);
    if (namespace) policy.namespace = namespace;
    return policy;
  });
}

/** One record (a `Flow` or a response wrapping one) as a flow, or why it is not one. */
export function flowFromJson(record: unknown): Flow | string {
  if (!isObject(record)) return 'not a JSON object';
  const f = isObject(record['flow']) ? record['flow'] : record;
  const source = endpoint(f['source']);
  const destination = endpoint(f['destination']);
  if (!source || !destination) return 'no source or destination endpoint';
  const l4 = layer4(f['l4']);
  const l7 = isObject(f['l7']) ? (f['l7'] as unknown as Flow['l7']) : undefined;
  if (!l4 && !l7) return 'neither an l4 nor an l7 section';
  const verdict = str(f['verdict']);
  const ip = isObject(f['IP']) ? f['IP'] : {};
  const flow: Flow = {
    time: str(f['time']) ?? str(record['time']) ?? '1970-01-01T00:00:00Z',
    uuid: str(f['uuid']) ?? '',
    verdict: VERDICTS.includes(verdict as Verdict) ? (verdict as Verdict) : 'FORWARDED',
    IP: {
      source: str(ip['source']) ?? '',
      destination: str(ip['destination']) ?? '',
      ipVersion: str(ip['ipVersion']) === 'IPv6' ? 'IPv6' : 'IPv4',
    },
    // An L7 record without ports still needs an l4 member for the printers: port 0 means unknown.
    l4: l4 ?? { TCP: { source_port: 0, destination_port: 0 } },
    source,
    destination,
    Type: str(f['Type']) === 'L7' || (l7 && !l4) ? 'L7' : 'L3_L4',
    node_name: str(f['node_name']) ?? str(record['node_name']) ?? '',
    traffic_direction:
      str(f['traffic_direction']) === 'INGRESS'
        ? 'INGRESS'
        : str(f['traffic_direction']) === 'EGRESS'
          ? 'EGRESS'
          : 'TRAFFIC_DIRECTION_UNKNOWN',
    Summary: str(f['Summary']) ?? '',
  };
  if (!verdict) flow.verdict = 'FORWARDED';
  const sourceNames = strings(f['source_names']);
  if (sourceNames.length > 0) flow.source_names = sourceNames;
  const destinationNames = strings(f['destination_names']);
  if (destinationNames.length > 0) flow.destination_names = destinationNames;
  if (l7) flow.l7 = l7;
  if (isObject(f['event_type'])) {
    const type = num(f['event_type']['type']);
    const sub = num(f['event_type']['sub_type']);
    if (type !== undefined)
      flow.event_type = sub === undefined ? { type } : { type, sub_type: sub };
  }
  const dropReason = num(f['drop_reason']);
  if (dropReason !== undefined) flow.drop_reason = dropReason;
  const isReply = bool(f['is_reply']);
  if (isReply !== undefined) flow.is_reply = isReply;
  const matchType = num(f['policy_match_type']);
  if (matchType !== undefined) flow.policy_match_type = matchType;
  for (const key of [
    'egress_allowed_by',
    'ingress_allowed_by',
    'egress_denied_by',
    'ingress_denied_by',
  ] as const) {
    const list = policies(f[key]);
    if (list) flow[key] = list;
  }
  return flow;
}

/** Reads an export: JSON lines, or one JSON array. Blank lines are skipped. */
export function readHubbleJson(text: string): ImportResult {
  const flows: Flow[] = [];
  const problems: string[] = [];
  const trimmed = text.trim();
  const take = (record: unknown, where: string) => {
    const f = flowFromJson(record);
    if (typeof f === 'string') {
      // Lost events and node status messages come in the same stream; they are not flows.
      if (isObject(record) && (record['lost_events'] || record['node_status'])) return;
      problems.push(`${where}: ${f}`);
    } else flows.push(f);
  };
  if (trimmed.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(trimmed);
      if (Array.isArray(list)) {
        list.forEach((r, i) => take(r, `item ${i + 1}`));
        return { flows, problems };
      }
    } catch {
      // Not one array after all: read it line by line below.
    }
  }
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    let record: unknown;
    try {
      record = JSON.parse(t);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    take(record, `line ${i + 1}`);
  });
  return { flows, problems };
}
