/**
 * `hubble observe` compact output, one line per flow (hubble/pkg/printer/printer.go):
 *
 *   <TIME>[ [<node>]]: <SRC> <SRC_ID> <ARROW> <DST> <DST_ID> <TYPE> <VERDICT> (<SUMMARY>)
 *
 * TIME is Go's StampMilli in UTC (`Jan _2 15:04:05.000`). A reply (`is_reply` true) swaps the
 * two ends and points the arrow back (`<-`); a flow whose direction the datapath could not tell
 * (drops, denied verdicts: `is_reply` unset) gets `<>`.
 */
import {
  DROP_REASON_TEXT,
  EVENT_DROP,
  EVENT_POLICY_VERDICT,
  EVENT_TRACE,
  MATCH_TYPE_TEXT,
  RESERVED_IDENTITY_NAMES,
  TRACE_POINTS,
  type Flow,
  type FlowEndpoint,
  type FlowPolicy,
  type ObservationPoint,
} from './model.ts';

export interface PrintOptions {
  /** `--print-policy-names`: `ALLOWED BY name (Kind)` on policy verdicts. */
  printPolicyNames?: boolean;
  /** `--print-node-name`: `[node]` after the time. */
  printNodeName?: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/;

/** A protojson timestamp in Go's StampMilli layout; `N/A` when it cannot be read. */
export function stampMilli(time: string | undefined): string {
  const m = time ? RFC3339.exec(time) : null;
  if (!m) return 'N/A';
  const month = MONTHS[Number(m[2]) - 1];
  if (!month) return 'N/A';
  const day = Number(m[3]);
  const millis = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  return `${month} ${day < 10 ? ` ${day}` : day} ${m[4]}:${m[5]}:${m[6]}.${millis}`;
}

/** `(ID:n)`, or the name of a reserved identity: `(world)`, `(host)`… */
export function identityText(id: number): string {
  const name = RESERVED_IDENTITY_NAMES[id];
  return name !== undefined ? `(${name})` : `(ID:${id})`;
}

/** The ports of a flow as Hubble reads them ('' without an L4 header). */
export function portsOf(f: Flow): [string, string] {
  const l4 = f.l4;
  const p = 'TCP' in l4 ? l4.TCP : 'UDP' in l4 ? l4.UDP : 'SCTP' in l4 ? l4.SCTP : undefined;
  return p ? [String(p.source_port), String(p.destination_port)] : ['', ''];
}

/**
 * How a printer dresses the columns. The defaults write the engine's plain lines; the Hubble CLI
 * swaps in its ANSI colours, `--time-format` and `--numeric`.
 */
export interface FlowStyle {
  /** Paints a whole SOURCE or DESTINATION column, its already painted port included. */
  host: (text: string) => string;
  port: (text: string) => string;
  identity: (text: string) => string;
  /** Paints the VERDICT column; the colour follows the flow's verdict, not the text. */
  verdict: (f: Flow, text: string) => string;
  /** The TIMESTAMP column from the flow's protojson time. */
  time: (time: string) => string;
  /** Pod and DNS names instead of addresses (`--ip-translation`, off with `--numeric`). */
  ipTranslation: boolean;
}

const unpainted = (text: string) => text;

export const PLAIN_STYLE: FlowStyle = {
  host: unpainted,
  port: unpainted,
  identity: unpainted,
  verdict: (_f, text) => text,
  time: stampMilli,
  ipTranslation: true,
};

/**
 * `ns/pod:port`, else the names the proxy saw, else the address; `[v6]:port` for IPv6. Without IP
 * translation always the address.
 */
export function hostname(
  ip: string,
  port: string,
  ep: FlowEndpoint | undefined,
  names: readonly string[] | undefined,
  style: FlowStyle = PLAIN_STYLE,
): string {
  let host = ip;
  if (style.ipTranslation) {
    if (ep?.pod_name) host = ep.namespace ? `${ep.namespace}/${ep.pod_name}` : ep.pod_name;
    else if (names && names.length > 0) host = names.join(',');
  }
  if (port === '' || port === '0') return style.host(host);
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return style.host(`${bracketed}:${style.port(port)}`);
}

/** The source and destination columns, before any swap for replies. */
export function hostnames(f: Flow, style: FlowStyle = PLAIN_STYLE): [string, string] {
  const [sp, dp] = portsOf(f);
  return [
    hostname(f.IP.source, sp, f.source, f.source_names, style),
    hostname(f.IP.destination, dp, f.destination, f.destination_names, style),
  ];
}

const POINT_BY_SUBTYPE = new Map<number, string>(
  (Object.keys(TRACE_POINTS) as ObservationPoint[]).map((k) => [
    TRACE_POINTS[k].subType,
    TRACE_POINTS[k].text,
  ]),
);

/** The TYPE column (`GetFlowType`). */
export function flowType(f: Flow): string {
  const l7 = f.l7;
  if (l7) {
    const kind = l7.type.toLowerCase();
    if (l7.http) return `http-${kind}`;
    if (l7.dns) return `dns-${kind} ${l7.dns.observation_source}`;
    if (l7.kafka) return `kafka-${kind}`;
    return `l7-${kind}`;
  }
  const sub = f.event_type?.sub_type ?? 0;
  switch (f.event_type?.type) {
    case EVENT_TRACE:
      return POINT_BY_SUBTYPE.get(sub) ?? String(sub);
    case EVENT_DROP:
      return DROP_REASON_TEXT[sub] ?? String(sub);
    case EVENT_POLICY_VERDICT:
      return `policy-verdict:${MATCH_TYPE_TEXT[f.policy_match_type ?? 0] ?? 'unknown'} ${f.traffic_direction}`;
  }
  return 'UNKNOWN';
}

function policyNames(list: readonly FlowPolicy[] | undefined): string {
  let out = '';
  for (const p of list ?? []) {
    if (!p.kind || !p.name) continue;
    out += `${out ? ', ' : ' BY '}${p.name} (${p.kind})`;
  }
  return out;
}

/** The VERDICT column; policy verdicts read ALLOWED / DENIED / AUDITED. */
export function verdictText(f: Flow, opts: PrintOptions = {}): string {
  const pv = f.event_type?.type === EVENT_POLICY_VERDICT;
  if (!pv) return f.verdict;
  const egress = f.traffic_direction === 'EGRESS';
  const ingress = f.traffic_direction === 'INGRESS';
  switch (f.verdict) {
    case 'FORWARDED':
    case 'REDIRECTED':
      return `ALLOWED${opts.printPolicyNames ? policyNames(egress ? f.egress_allowed_by : ingress ? f.ingress_allowed_by : undefined) : ''}`;
    case 'DROPPED':
    case 'ERROR':
      return `DENIED${opts.printPolicyNames ? policyNames(egress ? f.egress_denied_by : ingress ? f.ingress_denied_by : undefined) : ''}`;
    case 'AUDIT':
      return 'AUDITED';
    default:
      return f.verdict;
  }
}

/** One compact line (without the newline). */
export function formatCompact(
  f: Flow,
  opts: PrintOptions = {},
  style: FlowStyle = PLAIN_STYLE,
): string {
  let [src, dst] = hostnames(f, style);
  let srcId = style.identity(identityText(f.source.identity));
  let dstId = style.identity(identityText(f.destination.identity));
  let arrow = '->';
  if (f.is_reply === undefined) arrow = '<>';
  else if (f.is_reply) {
    [src, dst] = [dst, src];
    [srcId, dstId] = [dstId, srcId];
    arrow = '<-';
  }
  const node = opts.printNodeName ? ` [${f.node_name}]` : '';
  const verdict = style.verdict(f, verdictText(f, opts));
  return `${style.time(f.time)}${node}: ${src} ${srcId} ${arrow} ${dst} ${dstId} ${flowType(f)} ${verdict} (${f.Summary})`;
}

/**
 * One flow's `-o dict` block with its newline: keys right-aligned to the colon, no identities and
 * no arrow. Every block but the first starts with a line of twelve dashes, so a stream of flows
 * can be written one block at a time.
 */
export function formatDictBlock(
  f: Flow,
  first: boolean,
  opts: PrintOptions = {},
  style: FlowStyle = PLAIN_STYLE,
): string {
  const [src, dst] = hostnames(f, style);
  return (
    (first ? '' : '------------\n') +
    `  TIMESTAMP: ${style.time(f.time)}\n` +
    (opts.printNodeName ? `       NODE: ${f.node_name}\n` : '') +
    `     SOURCE: ${src}\n` +
    `DESTINATION: ${dst}\n` +
    `       TYPE: ${flowType(f)}\n` +
    `    VERDICT: ${style.verdict(f, verdictText(f, opts))}\n` +
    `    SUMMARY: ${f.Summary}\n`
  );
}

/** `-o dict` for a list of flows. */
export function formatDict(flows: readonly Flow[], opts: PrintOptions = {}): string {
  return flows.map((f, i) => formatDictBlock(f, i === 0, opts)).join('');
}
