/**
 * `hubble observe` filters, built the way the CLI builds them (hubble/cmd/observe/flows_filter.go)
 * and matched the way the server matches them (pkg/hubble/filters):
 *
 * 1. Each filter flag adds a value to a `FlowFilter` field. Values of one field OR, different
 *    fields AND: `--verdict DROPPED --verdict FORWARDED --to-pod db` is "(dropped or forwarded)
 *    and to db".
 * 2. Flags about either end (`--pod`, `--ip`, `--label`, `--port`, `--fqdn`, `--identity`,
 *    `-n`) fill two filters, one on the source and one on the destination; a flow passing
 *    either is shown. Everything else goes into both.
 * 3. `--not` sends the next filter flag to a second set (the denylist); a flow matching any of
 *    its filters is hidden.
 * 4. Some flags cannot be combined (`--pod` and `--to-pod`, `--label` and `--from-label`, ...);
 *    the CLI refuses them while parsing.
 * 5. A pod filter without a namespace means `default`; `-n ns` supplies the namespace of pod
 *    filters that have none, and alone selects every pod of the namespace.
 */
import { RE2JS } from 're2js';
import { cidrContains, parseCidr, parseIP } from '../../../engine/ip.ts';
import {
  RESERVED_IDENTITY_NAMES,
  TRACE_POINTS,
  VERDICTS,
  type Flow,
  type FlowEndpoint,
  type ObservationPoint,
  type TrafficDirection,
  type Verdict,
} from '../../../engine/flows/model.ts';
import { portsOf } from '../../../engine/flows/compact.ts';

export interface EventTypeFilter {
  type: number;
  subType?: number;
}

/** One `FlowFilter`: the set fields AND, the values of a field OR. */
export interface FlowFilter {
  sourcePod?: string[];
  destinationPod?: string[];
  sourceIp?: string[];
  destinationIp?: string[];
  sourceLabel?: string[];
  destinationLabel?: string[];
  sourceFqdn?: string[];
  destinationFqdn?: string[];
  sourcePort?: string[];
  destinationPort?: string[];
  sourceIdentity?: number[];
  destinationIdentity?: number[];
  verdict?: Verdict[];
  eventType?: EventTypeFilter[];
  protocol?: string[];
  httpStatusCode?: string[];
  httpMethod?: string[];
  httpPath?: string[];
  trafficDirection?: TrafficDirection[];
  nodeName?: string[];
  uuid?: string[];
}

type ListKey = {
  [K in keyof FlowFilter]-?: NonNullable<FlowFilter[K]> extends unknown[] ? K : never;
}[keyof FlowFilter];

/** Monitor message type names (pkg/monitor/api/types.go `MessageTypeNames`). */
export const MESSAGE_TYPES: Readonly<Record<string, number>> = {
  drop: 1,
  debug: 2,
  capture: 3,
  trace: 4,
  'policy-verdict': 5,
  recorder: 6,
  'trace-sock': 7,
  l7: 129,
  agent: 130,
};

const VERDICT_NAMES = new Set<string>(['VERDICT_UNKNOWN', ...VERDICTS]);

/** Reserved identity names in the order the CLI lists them in its error message. */
const RESERVED_NAMES = Object.entries(RESERVED_IDENTITY_NAMES)
  .filter(([id]) => Number(id) > 0)
  .map(([, name]) => name);

const RESERVED_BY_NAME = new Map(
  Object.entries(RESERVED_IDENTITY_NAMES).map(([id, name]) => [name, Number(id)]),
);

/** Flags that may not be given together (the CLI's conflict table, for the flags simulated). */
const CONFLICTS: readonly (readonly string[])[] = [
  ['from-fqdn', 'from-ip', 'ip', 'fqdn', 'from-namespace', 'namespace', 'all-namespaces'],
  ['from-fqdn', 'from-ip', 'ip', 'fqdn', 'from-pod', 'pod'],
  ['to-fqdn', 'to-ip', 'ip', 'fqdn', 'to-namespace', 'namespace', 'all-namespaces'],
  ['to-fqdn', 'to-ip', 'ip', 'fqdn', 'to-pod', 'pod'],
  ['to-pod', 'namespace', 'all-namespaces'],
  ['from-pod', 'namespace', 'all-namespaces'],
  ['label', 'from-label'],
  ['label', 'to-label'],
  ['verdict'],
  ['type'],
  ['http-status'],
  ['http-method'],
  ['http-path'],
  ['protocol'],
  ['port', 'to-port'],
  ['port', 'from-port'],
  ['identity', 'to-identity'],
  ['identity', 'from-identity'],
  ['uuid'],
  ['traffic-direction'],
];

/** Every filter flag this simulation understands (flag names without dashes). */
export const FILTER_FLAGS = [
  'pod',
  'from-pod',
  'to-pod',
  'namespace',
  'from-namespace',
  'to-namespace',
  'all-namespaces',
  'ip',
  'from-ip',
  'to-ip',
  'label',
  'from-label',
  'to-label',
  'fqdn',
  'from-fqdn',
  'to-fqdn',
  'port',
  'from-port',
  'to-port',
  'identity',
  'from-identity',
  'to-identity',
  'verdict',
  'type',
  'protocol',
  'http-status',
  'http-method',
  'http-path',
  'traffic-direction',
  'node-name',
  'uuid',
] as const;

export type FilterFlag = (typeof FILTER_FLAGS)[number];

function push<K extends ListKey>(f: FlowFilter, key: K, value: NonNullable<FlowFilter[K]>[number]) {
  const list = (f[key] ?? []) as unknown[];
  list.push(value);
  (f as Record<string, unknown>)[key] = list;
}

function namespaceOf(name: string): string {
  const i = name.indexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

function withNamespaces(filter: readonly string[] | undefined, ns: readonly string[]) {
  if (!filter || filter.length === 0 || ns.length === 0) return filter ? [...filter] : filter;
  const out: string[] = [];
  for (const f of filter) {
    if (f.includes('/')) out.push(f);
    else for (const n of ns) out.push(`${n}/${f}`);
  }
  return out;
}

/** One side (allow or deny) of the filters being built: `left OR right`. */
class Tracker {
  left?: FlowFilter;
  right?: FlowFilter;
  ns: string[] = [];
  srcNs: string[] = [];
  dstNs: string[] = [];
  changed: string[] = [];

  both(update: (f: FlowFilter) => void): void {
    update((this.left ??= {}));
    update((this.right ??= {}));
  }
  split(left: (f: FlowFilter) => void, right: (f: FlowFilter) => void): void {
    left((this.left ??= {}));
    right((this.right ??= {}));
  }

  /** The filters as the CLI sends them, namespaces applied. */
  filters(): FlowFilter[] {
    if (
      !this.left &&
      !this.right &&
      this.ns.length === 0 &&
      this.srcNs.length === 0 &&
      this.dstNs.length === 0
    )
      return [];
    const left: FlowFilter = structuredClone(this.left ?? {});
    const right: FlowFilter = structuredClone(this.right ?? {});
    const applySrc = (f: FlowFilter, ns: string[]) => {
      if (!f.sourcePod?.length) f.sourcePod = [''];
      f.sourcePod = withNamespaces(f.sourcePod, ns);
    };
    const applyDst = (f: FlowFilter, ns: string[]) => {
      if (!f.destinationPod?.length) f.destinationPod = [''];
      f.destinationPod = withNamespaces(f.destinationPod, ns);
    };
    if (this.dstNs.length) {
      applyDst(left, this.dstNs);
      applyDst(right, this.dstNs);
    }
    if (this.srcNs.length) {
      applySrc(left, this.srcNs);
      applySrc(right, this.srcNs);
    }
    if (this.ns.length) {
      applySrc(left, this.ns);
      applyDst(right, this.ns);
    }
    return JSON.stringify(left) === JSON.stringify(right) ? [left] : [left, right];
  }
}

/**
 * Collects filter flags in command-line order. `set` returns the CLI's error text for a value
 * it refuses (pflag adds the `invalid argument ... flag:` prefix).
 */
export class FilterBuilder {
  readonly allow = new Tracker();
  readonly deny = new Tracker();
  /** Set by `--not`, cleared by the next filter flag. */
  negating = false;

  not(): string | undefined {
    if (this.negating) return 'consecutive --not statements';
    this.negating = true;
    return undefined;
  }

  set(name: FilterFlag, val: string): string | undefined {
    const t = this.negating ? this.deny : this.allow;
    this.negating = false;
    if (!t.changed.includes(name)) t.changed.push(name);
    for (const group of CONFLICTS)
      for (const flag of group)
        if (t.changed.includes(flag))
          for (const other of group)
            if (other !== flag && t.changed.includes(other))
              return `filters --${flag} and --${other} cannot be combined`;
    const err = this.apply(t, name, val);
    if (err) return err;
    return this.namespaceConflict(t);
  }

  private apply(t: Tracker, name: FilterFlag, val: string): string | undefined {
    switch (name) {
      case 'pod':
        t.split(
          (f) => push(f, 'sourcePod', val),
          (f) => push(f, 'destinationPod', val),
        );
        return;
      case 'from-pod':
        t.both((f) => push(f, 'sourcePod', val));
        return;
      case 'to-pod':
        t.both((f) => push(f, 'destinationPod', val));
        return;
      case 'namespace':
        t.ns.push(val);
        return;
      case 'from-namespace':
        t.srcNs.push(val);
        return;
      case 'to-namespace':
        t.dstNs.push(val);
        return;
      case 'all-namespaces':
        t.ns.push('');
        return;
      case 'ip':
        t.split(
          (f) => push(f, 'sourceIp', val),
          (f) => push(f, 'destinationIp', val),
        );
        return;
      case 'from-ip':
        t.both((f) => push(f, 'sourceIp', val));
        return;
      case 'to-ip':
        t.both((f) => push(f, 'destinationIp', val));
        return;
      case 'label':
        t.split(
          (f) => push(f, 'sourceLabel', val),
          (f) => push(f, 'destinationLabel', val),
        );
        return;
      case 'from-label':
        t.both((f) => push(f, 'sourceLabel', val));
        return;
      case 'to-label':
        t.both((f) => push(f, 'destinationLabel', val));
        return;
      case 'fqdn':
        t.split(
          (f) => push(f, 'sourceFqdn', val),
          (f) => push(f, 'destinationFqdn', val),
        );
        return;
      case 'from-fqdn':
        t.both((f) => push(f, 'sourceFqdn', val));
        return;
      case 'to-fqdn':
        t.both((f) => push(f, 'destinationFqdn', val));
        return;
      case 'port':
        t.split(
          (f) => push(f, 'sourcePort', val),
          (f) => push(f, 'destinationPort', val),
        );
        return;
      case 'from-port':
        t.both((f) => push(f, 'sourcePort', val));
        return;
      case 'to-port':
        t.both((f) => push(f, 'destinationPort', val));
        return;
      case 'identity':
      case 'from-identity':
      case 'to-identity': {
        const id = parseIdentity(val);
        if (id === undefined)
          return `invalid security identity, expected one of [${RESERVED_NAMES.join(' ')}] or a numeric value`;
        if (name === 'identity')
          t.split(
            (f) => push(f, 'sourceIdentity', id),
            (f) => push(f, 'destinationIdentity', id),
          );
        else
          t.both((f) =>
            push(f, name === 'from-identity' ? 'sourceIdentity' : 'destinationIdentity', id),
          );
        return;
      }
      case 'verdict':
        if (!VERDICT_NAMES.has(val)) return `invalid --verdict value: ${val}`;
        t.both((f) => push(f, 'verdict', val as Verdict));
        return;
      case 'type': {
        const parsed = parseEventType(val);
        if (typeof parsed === 'string') return parsed;
        t.both((f) => push(f, 'eventType', parsed));
        return;
      }
      case 'protocol':
        t.both((f) => push(f, 'protocol', val));
        return;
      case 'http-status':
        t.both((f) => push(f, 'httpStatusCode', val));
        return;
      case 'http-method':
        t.both((f) => push(f, 'httpMethod', val));
        return;
      case 'http-path':
        t.both((f) => push(f, 'httpPath', val));
        return;
      case 'traffic-direction': {
        const td = val.toLowerCase();
        if (td !== 'ingress' && td !== 'egress')
          return `${td}: invalid traffic direction, expected ingress or egress`;
        t.both((f) => push(f, 'trafficDirection', td === 'ingress' ? 'INGRESS' : 'EGRESS'));
        return;
      }
      case 'node-name':
        t.both((f) => push(f, 'nodeName', val));
        return;
      case 'uuid':
        t.both((f) => push(f, 'uuid', val));
        return;
    }
  }

  /** `-n ns` with a pod filter naming another namespace. */
  private namespaceConflict(t: Tracker): string | undefined {
    for (const f of [t.left, t.right]) {
      if (!f) continue;
      const pairs: [string[], string[] | undefined][] = [
        [t.ns, f.sourcePod],
        [t.ns, f.destinationPod],
        [t.srcNs, f.sourcePod],
        [t.dstNs, f.destinationPod],
      ];
      for (const [nss, names] of pairs)
        for (const ns of nss)
          for (const name of names ?? []) {
            const nn = namespaceOf(name);
            if (nn !== '' && nn !== ns)
              return `namespace conflict: ${JSON.stringify(ns)} does not contain ${JSON.stringify(name)}`;
          }
    }
    return undefined;
  }

  /** The compiled allow- and denylist, or the server's complaint about a filter. */
  compile(): { ok: true; match: (f: Flow) => boolean } | { ok: false; message: string } {
    const allow: Matcher[] = [];
    const deny: Matcher[] = [];
    for (const [filters, out] of [
      [this.allow.filters(), allow],
      [this.deny.filters(), deny],
    ] as const)
      for (const f of filters) {
        const m = compileFilter(f);
        if (typeof m === 'string') return { ok: false, message: m };
        out.push(m);
      }
    return {
      ok: true,
      match: (flow) =>
        (allow.length === 0 || allow.some((m) => m(flow))) && !deny.some((m) => m(flow)),
    };
  }
}

function parseIdentity(val: string): number | undefined {
  if (/^[0-9]+$/.test(val)) return Number(val);
  return RESERVED_BY_NAME.get(val);
}

const SUBTYPE_BY_NAME = new Map(
  (Object.keys(TRACE_POINTS) as ObservationPoint[]).map((k) => [
    TRACE_POINTS[k].text,
    TRACE_POINTS[k].subType,
  ]),
);

/** `TYPE[:SUBTYPE]` as `-t` takes it, or the CLI's error text. */
export function parseEventType(val: string): EventTypeFilter | string {
  const colon = val.indexOf(':');
  const name = colon < 0 ? val : val.slice(0, colon);
  const sub = colon < 0 ? undefined : val.slice(colon + 1);
  let type = MESSAGE_TYPES[name];
  if (type === undefined) {
    if (!/^[0-9]+$/.test(name))
      return `unable to parse type '${name}', not a known type name and unable to parse as numeric value: strconv.ParseUint: parsing ${JSON.stringify(name)}: invalid syntax`;
    type = Number(name);
  }
  if (sub === undefined) return { type };
  const named = type === MESSAGE_TYPES.trace ? SUBTYPE_BY_NAME.get(sub) : undefined;
  if (named !== undefined) return { type, subType: named };
  if (!/^[0-9]+$/.test(sub))
    return `unable to parse event sub-type '${sub}', not a known sub-type name and unable to parse as numeric value: strconv.ParseUint: parsing ${JSON.stringify(sub)}: invalid syntax`;
  return { type, subType: Number(sub) };
}

// ---------------------------------------------------------------------------------------------
// Matching (the server side).

type Matcher = (f: Flow) => boolean;

/** `[namespace/]prefix`: no slash means `default`, an empty namespace means any. */
function podMatcher(values: readonly string[], side: (f: Flow) => FlowEndpoint): Matcher {
  const parsed = values.map((v) => {
    const i = v.indexOf('/');
    return i < 0 ? { ns: 'default', prefix: v } : { ns: v.slice(0, i), prefix: v.slice(i + 1) };
  });
  return (f) => {
    const ep = side(f);
    const ns = ep.namespace ?? '';
    const pod = ep.pod_name ?? '';
    if (ns === '' && pod === '') return false;
    return parsed.some((p) => (p.ns === '' || p.ns === ns) && pod.startsWith(p.prefix));
  };
}

function ipMatcher(values: readonly string[], ipOf: (f: Flow) => string): Matcher | string {
  const tests: ((ip: string) => boolean)[] = [];
  for (const v of values) {
    if (v.includes('/')) {
      const c = parseCidr(v);
      if (!c) return `invalid CIDR in IP filter: ${JSON.stringify(v)}`;
      tests.push((ip) => {
        const a = parseIP(ip);
        return a !== null && cidrContains(c, a);
      });
    } else {
      const a = parseIP(v);
      if (!a) return `invalid IP address in filter: ${JSON.stringify(v)}`;
      tests.push((ip) => {
        const b = parseIP(ip);
        return b !== null && b.family === a.family && b.value === a.value;
      });
    }
  }
  return (f) => tests.some((t) => t(ipOf(f)));
}

interface SelectorRequirement {
  source: string;
  key: string;
  op: 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

/**
 * A Kubernetes label selector as `--label` takes it (`app=web`, `k8s:app in (a,b)`, `!debug`,
 * `reserved:world`). A key may carry a Cilium source; without one it matches any source.
 */
export function parseLabelSelector(text: string): SelectorRequirement[] | string {
  const reqs: SelectorRequirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const keyOf = (k: string) => {
    const i = k.indexOf(':');
    return i < 0 ? { source: 'any', key: k } : { source: k.slice(0, i), key: k.slice(i + 1) };
  };
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') return `unable to parse label selector ${JSON.stringify(text)}`;
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!()]+)$/.exec(p))) reqs.push({ ...keyOf(m[1]!), op: '!', values: [] });
    else if ((m = /^([^\s=!()]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(p)))
      reqs.push({ ...keyOf(m[1]!), op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    else if ((m = /^([^\s=!()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p)))
      reqs.push({
        ...keyOf(m[1]!),
        op: m[2] as 'in' | 'notin',
        values: m[3]!.split(',').map((v) => v.trim()),
      });
    else if ((m = /^([^\s=!()]+)$/.exec(p)))
      reqs.push({ ...keyOf(m[1]!), op: 'exists', values: [] });
    else return `unable to parse label selector ${JSON.stringify(text)}`;
  }
  return reqs;
}

function selectorMatches(reqs: readonly SelectorRequirement[], labels: readonly string[]): boolean {
  const parsed = labels.map((l) => {
    const c = l.indexOf(':');
    const source = c < 0 ? 'unspec' : l.slice(0, c);
    const rest = c < 0 ? l : l.slice(c + 1);
    const e = rest.indexOf('=');
    return e < 0
      ? { source, key: rest, value: '' }
      : { source, key: rest.slice(0, e), value: rest.slice(e + 1) };
  });
  return reqs.every((r) => {
    const found = parsed.filter(
      (l) => l.key === r.key && (r.source === 'any' || l.source === r.source),
    );
    switch (r.op) {
      case 'exists':
        return found.length > 0;
      case '!':
        return found.length === 0;
      case 'in':
        return found.some((l) => r.values.includes(l.value));
      case 'notin':
        return found.length === 0 || found.every((l) => !r.values.includes(l.value));
    }
  });
}

/** FQDN filter: `*` stands for any characters, a trailing dot is ignored, case does not matter. */
function fqdnPattern(p: string): RegExp | string {
  const pattern = p.trim().toLowerCase().replace(/\.$/, '');
  if (/[[\]+{},]/.test(pattern))
    return 'only alphanumeric ASCII characters, the hyphen "-", "." or "*" may be used';
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^(?:${body})$`);
}

function httpStatusTest(v: string): ((code: number) => boolean) | string {
  const m = /^([1-5][0-9]{0,2})(\+?)$/.exec(v);
  if (!m || (m[2] === '' && m[1]!.length !== 3) || (m[2] === '+' && m[1]!.length === 3))
    return `invalid status code prefix: ${JSON.stringify(v)}`;
  const prefix = m[1]!;
  return m[2] === '+'
    ? (code) => String(code).startsWith(prefix)
    : (code) => String(code) === prefix;
}

function urlPath(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url);
  return m ? m[1] || '/' : url;
}

function nodePattern(p: string): RegExp {
  const body = p
    .split('*')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^(?:[^/]+/)?${body}$`);
}

const L4 = new Set(['tcp', 'udp', 'sctp', 'icmp', 'icmpv4', 'icmpv6']);
const L7 = new Set(['http', 'dns', 'kafka']);

/** Compiles one `FlowFilter` into a predicate, or returns the server's error. */
export function compileFilter(ff: FlowFilter): Matcher | string {
  const tests: Matcher[] = [];
  if (ff.uuid?.length) {
    const set = new Set(ff.uuid);
    tests.push((f) => set.has(f.uuid));
  }
  if (ff.sourcePod?.length) tests.push(podMatcher(ff.sourcePod, (f) => f.source));
  if (ff.destinationPod?.length) tests.push(podMatcher(ff.destinationPod, (f) => f.destination));
  for (const [values, ipOf] of [
    [ff.sourceIp, (f: Flow) => f.IP.source],
    [ff.destinationIp, (f: Flow) => f.IP.destination],
  ] as const) {
    if (!values?.length) continue;
    const m = ipMatcher(values, ipOf);
    if (typeof m === 'string') return m;
    tests.push(m);
  }
  for (const [values, side] of [
    [ff.sourceLabel, (f: Flow) => f.source],
    [ff.destinationLabel, (f: Flow) => f.destination],
  ] as const) {
    if (!values?.length) continue;
    const selectors: SelectorRequirement[][] = [];
    for (const v of values) {
      const s = parseLabelSelector(v);
      if (typeof s === 'string') return s;
      selectors.push(s);
    }
    tests.push((f) => selectors.some((s) => selectorMatches(s, side(f).labels)));
  }
  for (const [values, names] of [
    [ff.sourceFqdn, (f: Flow) => f.source_names],
    [ff.destinationFqdn, (f: Flow) => f.destination_names],
  ] as const) {
    if (!values?.length) continue;
    const res: RegExp[] = [];
    for (const v of values) {
      const r = fqdnPattern(v);
      if (typeof r === 'string') return r;
      res.push(r);
    }
    tests.push((f) => (names(f) ?? []).some((n) => res.some((r) => r.test(n.toLowerCase()))));
  }
  for (const [values, which] of [
    [ff.sourcePort, 0],
    [ff.destinationPort, 1],
  ] as const) {
    if (!values?.length) continue;
    for (const v of values)
      if (!/^[0-9]+$/.test(v) || Number(v) > 65535)
        return `invalid port filter: strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`;
    const ports = new Set(values.map((v) => String(Number(v))));
    tests.push((f) => {
      const p = portsOf(f)[which];
      return p !== '' && ports.has(p);
    });
  }
  if (ff.sourceIdentity?.length) {
    const ids = new Set(ff.sourceIdentity);
    tests.push((f) => ids.has(f.source.identity));
  }
  if (ff.destinationIdentity?.length) {
    const ids = new Set(ff.destinationIdentity);
    tests.push((f) => ids.has(f.destination.identity));
  }
  if (ff.verdict?.length) {
    const set = new Set<string>(ff.verdict);
    tests.push((f) => set.has(f.verdict));
  }
  if (ff.eventType?.length) {
    const types = ff.eventType;
    tests.push((f) =>
      types.some(
        (t) =>
          f.event_type?.type === t.type &&
          (t.subType === undefined || (f.event_type.sub_type ?? 0) === t.subType),
      ),
    );
  }
  if (ff.protocol?.length) {
    const wanted = ff.protocol.map((p) => p.toLowerCase());
    for (const p of wanted)
      if (!L4.has(p) && !L7.has(p)) return `unknown protocol: ${JSON.stringify(p)}`;
    tests.push((f) =>
      wanted.some((p) => {
        switch (p) {
          case 'tcp':
            return 'TCP' in f.l4;
          case 'udp':
            return 'UDP' in f.l4;
          case 'sctp':
            return 'SCTP' in f.l4;
          case 'http':
            return f.l7?.http !== undefined;
          case 'dns':
            return f.l7?.dns !== undefined;
          case 'kafka':
            return f.l7?.kafka !== undefined;
          default:
            // The simulated datapath records no ICMP flows.
            return false;
        }
      }),
    );
  }
  if (ff.httpStatusCode?.length) {
    const codes: ((c: number) => boolean)[] = [];
    for (const v of ff.httpStatusCode) {
      const t = httpStatusTest(v);
      if (typeof t === 'string') return t;
      codes.push(t);
    }
    tests.push((f) => {
      const code = f.l7?.http?.code;
      return code !== undefined && codes.some((c) => c(code));
    });
  }
  if (ff.httpMethod?.length) {
    const methods = ff.httpMethod.map((m) => m.toUpperCase());
    tests.push((f) => {
      const m = f.l7?.http?.method;
      return m !== undefined && methods.includes(m.toUpperCase());
    });
  }
  if (ff.httpPath?.length) {
    const res: RE2JS[] = [];
    for (const p of ff.httpPath) {
      try {
        res.push(RE2JS.compile(p));
      } catch (e) {
        return `error parsing regexp: ${(e as Error).message}`;
      }
    }
    tests.push((f) => {
      const url = f.l7?.http?.url;
      if (url === undefined) return false;
      const path = urlPath(url);
      return res.some((r) => r.matcher(path).find());
    });
  }
  if (ff.trafficDirection?.length) {
    const set = new Set(ff.trafficDirection);
    tests.push((f) => set.has(f.traffic_direction));
  }
  if (ff.nodeName?.length) {
    const res = ff.nodeName.map(nodePattern);
    tests.push((f) => res.some((r) => r.test(f.node_name)));
  }
  return (f) => tests.every((t) => t(f));
}
