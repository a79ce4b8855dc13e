/**
 * `cilium-dbg monitor`: the agent's datapath events (pkg/monitor/datapath_drop.go, the policy
 * verdict notifications). Drop lines read
 *
 *   xx drop (<reason>) flow <hash> to endpoint <id>, ifindex <n>, file <bpf file>:<line>, , identity <src>-><dst>: <summary>
 *
 * with the doubled `, ,` of the real output. The monitor only shows what happens while it runs;
 * the simulation prints the node's events still in the Hubble buffer and stops.
 */
import { fnv1a } from '../../../engine/hash.ts';
import {
  DROP_REASON_TEXT,
  EVENT_DROP,
  EVENT_POLICY_VERDICT,
  MATCH_TYPE_TEXT,
  RESERVED_IDENTITY_NAMES,
  type Flow,
} from '../../../engine/flows/model.ts';
import { portsOf } from '../../../engine/flows/compact.ts';

export const MONITOR_HEADER =
  'Listening for events on 8 CPUs with 64x4096 of shared memory\nPress Ctrl-C to quit\n';
export const MONITOR_DISSECTION =
  'level=info msg="Initializing dissection cache..." subsys=monitor\n';

function identityName(id: number, numeric: boolean): string {
  const name = RESERVED_IDENTITY_NAMES[id];
  return !numeric && name !== undefined && id > 0 ? name : String(id);
}

function flowHash(f: Flow): string {
  return `0x${fnv1a(`flow:${f.uuid}`).toString(16)}`;
}

/** `10.244.1.5:41022 -> 10.244.2.7:8080 tcp SYN` */
function packetSummary(f: Flow): string {
  const [sp, dp] = portsOf(f);
  const join = (ip: string, port: string) =>
    port === '' ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  const src = join(f.IP.source, sp);
  const dst = join(f.IP.destination, dp);
  if ('TCP' in f.l4) {
    const flags = f.l4.TCP.flags ?? {};
    const names = (['SYN', 'ACK', 'RST', 'FIN', 'PSH'] as const).filter((k) => flags[k]);
    return `${src} -> ${dst} tcp ${names.join(', ')}`.trimEnd();
  }
  if ('UDP' in f.l4) return `${src} -> ${dst} udp`;
  return `${src} -> ${dst} sctp`;
}

/** One drop line; `egress` drops happen before the packet reaches any endpoint. */
export function dropLine(f: Flow, numeric = false): string {
  const reason = DROP_REASON_TEXT[f.event_type?.sub_type ?? 0] ?? 'Policy denied';
  const ingress = f.traffic_direction === 'INGRESS';
  const target = ingress ? (f.destination.ID ?? 0) : 0;
  const local = ingress ? f.destination : f.source;
  const ifindex =
    10 + (fnv1a(`ifindex:${local.namespace ?? ''}/${local.pod_name ?? f.IP.source}`) % 40);
  const file = ingress ? 'bpf_lxc.c:2132' : 'bpf_lxc.c:1274';
  return `xx drop (${reason}) flow ${flowHash(f)} to endpoint ${target}, ifindex ${ifindex}, file ${file}, , identity ${identityName(f.source.identity, numeric)}->${identityName(f.destination.identity, numeric)}: ${packetSummary(f)}`;
}

/** One policy verdict line, as the monitor prints the notification. */
export function verdictLine(f: Flow): string {
  const egress = f.traffic_direction === 'EGRESS';
  const local = egress ? f.source : f.destination;
  const remote = egress ? f.destination : f.source;
  const proto = 'TCP' in f.l4 ? 6 : 'UDP' in f.l4 ? 17 : 132;
  const allowed = f.verdict === 'FORWARDED' || f.verdict === 'REDIRECTED';
  const action = allowed ? 'allow' : f.verdict === 'AUDIT' ? 'audit' : 'deny';
  const match = MATCH_TYPE_TEXT[f.policy_match_type ?? 0] ?? 'none';
  return `Policy verdict log: flow ${flowHash(f)} local EP ID ${local.ID ?? 0}, remote ID ${remote.identity}, proto ${proto}, ${egress ? 'egress' : 'ingress'}, action ${action}, match ${match}, ${packetSummary(f)}`;
}

/** The monitor's lines for the given flows and `--type` filter (drop, policy-verdict or both). */
export function monitorLines(
  flows: readonly Flow[],
  types: ReadonlySet<string>,
  numeric: boolean,
): string[] {
  const lines: string[] = [];
  for (const f of flows) {
    const t = f.event_type?.type;
    if (t === EVENT_DROP && (types.size === 0 || types.has('drop')))
      lines.push(dropLine(f, numeric));
    else if (t === EVENT_POLICY_VERDICT && (types.size === 0 || types.has('policy-verdict')))
      lines.push(verdictLine(f));
  }
  return lines;
}
