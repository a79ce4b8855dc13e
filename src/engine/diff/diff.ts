/**
 * What-if diff: which flows change between two engines (before and after an edit, or two
 * branches of a repository). Plain data in, plain data out, so it runs in the worker as well as
 * from the command line.
 *
 * Two sources of flows are compared:
 *
 *   1. The matrix: every pod to every pod on each port the destination declares (the traffic
 *      that is possible at all), decided at L3/L4.
 *   2. Probes, evaluated on both sides. They are how L7 changes show (an HTTP method and path, a
 *      DNS name, a Kafka topic), and how traffic to or from outside the cluster shows.
 *
 * Rules of comparison, numbered so tests and docs can refer to them:
 *
 *   1. A pod reaching itself is never compared: no policy applies to it (see the matrix).
 *   2. Pods are matched across the two sides by `namespace/name`. By default rows are per
 *      workload pair (a Deployment, StatefulSet, DaemonSet, Job, or a bare pod); `by: 'pod'`
 *      gives one row per pod pair.
 *   3. A flow that exists on one side only (a pod, workload or declared port added or removed) is
 *      `absent` on the other side. Absent and denied are the same traffic (none), so only absent
 *      against allowed is a change. A pod pair that exists on neither side (a pod only before
 *      with a pod only after) is not compared.
 *   4. A pod pair that is absent on one side takes the verdict its workload pair has there on the
 *      same port, when that workload pair exists there (allowed when any of its pod pairs is).
 *      So scaling a workload, or a new pod-template hash that renames its pods, changes nothing
 *      by itself.
 *   5. A probe that cannot be resolved on one side (its pod does not exist there) is `absent`
 *      there. A probe without L7 whose change equals a matrix row's is listed on that row.
 *   6. Rows are sorted: newly allowed first, then by source, destination, port, protocol, L7 and
 *      probe ids, comparing strings by code point. Equal inputs give equal output.
 */
import type { Pod } from '../cluster/model.ts';
import { ownerWorkload } from '../cluster/workload.ts';
import type { Engine } from '../engine.ts';
import type { EndpointGroup, Matrix } from '../evaluate/matrix.ts';
import type { Endpoint, Probe, ProbeResult } from '../evaluate/probe.ts';
import { decidingPolicies } from '../explain.ts';
import type { Protocol } from '../types.ts';

/** A flow's verdict on one side; `absent` when the flow does not exist there. */
export type FlowState = 'allowed' | 'denied' | 'absent';

/** One changed flow. */
export interface FlowChange {
  /** `allowed`: newly allowed; `denied`: newly denied (or gone). */
  change: 'allowed' | 'denied';
  /** Source: `namespace/workload` (or `namespace/pod`), a node, or an address. */
  from: string;
  /** Destination, as `from`; for an `fqdn:` probe, the name. */
  to: string;
  port: number;
  protocol: Protocol;
  /** The request inside the connection, e.g. `GET /api`, `DNS example.com A`; null for L3/L4. */
  l7: string | null;
  /** Ids of the probes that show this change, sorted. */
  probes: string[];
  /** How many pod pairs of the matrix the row stands for; 0 when it comes from probes only. */
  pairs: number;
  before: FlowState;
  after: FlowState;
  /** The policies that decided the flow before or after, sorted (e.g. `CiliumNetworkPolicy db/x`). */
  policies: string[];
  /** Why the flow is as it is after the change (for one pod pair of the row). */
  reason: string;
}

/** The result of a diff. */
export interface FlowDiff {
  /** Changed flows, sorted (rule 6). */
  changes: FlowChange[];
  summary: {
    newlyAllowed: number;
    newlyDenied: number;
    /** Flows of the matrix compared (rows before grouping into changes). */
    flows: number;
    /** Probes compared. */
    probes: number;
  };
}

/** Options of `diffEngines`. */
export interface DiffOptions {
  /** Probes decided on both sides. Set each engine's `publicZone` for `fqdn:` and DNS probes. */
  probes?: readonly Probe[];
  /** Rows per workload pair (default) or per pod pair (rule 2). */
  by?: 'workload' | 'pod';
  /** Fill `reason` and `policies` (two extra probes per row). Default true. */
  explain?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Workloads

/** The workload a pod belongs to, as Hubble names it (a bare pod is its own workload). */
function workloadOf(pod: Pod): { key: string; name: string } {
  const w = ownerWorkload(pod);
  if (!w) return { key: `Pod/${pod.namespace}/${pod.name}`, name: `${pod.namespace}/${pod.name}` };
  return { key: `${w.kind}/${pod.namespace}/${w.name}`, name: `${pod.namespace}/${w.name}` };
}

// ---------------------------------------------------------------------------------------------
// Matrix flows

type SideName = 'before' | 'after';
const SIDES: readonly SideName[] = ['before', 'after'];

/** The pods of one side that the matrix covers, with their endpoint groups. */
interface Side {
  engine: Engine;
  matrix: Matrix;
  groupOf: Map<string, { pod: Pod; group: EndpointGroup }>;
}

function sideOf(engine: Engine): Side {
  const matrix = engine.matrix();
  const groupOf = new Map<string, { pod: Pod; group: EndpointGroup }>();
  for (const group of matrix.groups)
    for (const pod of group.pods) groupOf.set(`${pod.namespace}/${pod.name}`, { pod, group });
  return { engine, matrix, groupOf };
}

/** A class's presence on one side: two of its pods (a pod never pairs with itself) and ports. */
interface ClassSide {
  group: EndpointGroup;
  first: Pod;
  second?: Pod;
  /** Declared ports, `5432/TCP`. */
  ports: Set<string>;
}

/**
 * Pods that behave alike on both sides: same workload, and the same identity (as a source) or
 * endpoint group (as a destination) before and after. Two of its pods stand for the class.
 */
interface PodClass {
  /** Identity (source) or endpoint group (destination) on each side, and the workload. */
  key: string;
  /** Dense number of the workload (rule 4) and of its display name (for counting flows). */
  workload: number;
  shown: number;
  /** What rows show: `namespace/workload`, or `namespace/pod` by pod. */
  name: string;
  /** Pod keys (`ns/name`), sorted. */
  pods: string[];
  before?: ClassSide;
  after?: ClassSide;
  /** Destination classes this source class shares pods with, and how many. */
  overlap: Map<PodClass, number>;
}

/** A port and protocol, with a dense number. */
interface PortRef {
  port: number;
  protocol: Protocol;
  key: string;
  index: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Numbers strings densely, in the order first seen. */
class Numbering {
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let n = this.ids.get(s);
    if (n === undefined) this.ids.set(s, (n = this.ids.size));
    return n;
  }
  find(s: string): number | undefined {
    return this.ids.get(s);
  }
  get size(): number {
    return this.ids.size;
  }
}

/**
 * A source and a destination pod of two classes on one side that are not the same pod (a pod
 * reaching itself says nothing about policy); undefined when there is no such pair.
 */
function sourceFor(src: ClassSide, dst: ClassSide): Pod | undefined {
  if (src.first !== dst.first) return src.first;
  return src.second ?? (dst.second ? src.first : undefined);
}
function destinationFor(src: ClassSide, dst: ClassSide): Pod | undefined {
  if (src.first !== dst.first || src.second) return dst.first;
  return dst.second;
}

/**
 * A small state per flow number (0: not seen): a typed array while the numbers stay below 2^24,
 * else a map.
 */
class FlowTable {
  private readonly dense: Uint8Array | undefined;
  private readonly sparse = new Map<number, number>();
  constructor(size: number) {
    this.dense = size <= 1 << 24 ? new Uint8Array(size) : undefined;
  }
  get(key: number): number {
    return this.dense ? this.dense[key]! : (this.sparse.get(key) ?? 0);
  }
  set(key: number, value: number): void {
    if (this.dense) this.dense[key] = value;
    else this.sparse.set(key, value);
  }
  /** Records one verdict: 1 when only denials were seen, 2 once anything was allowed. */
  mark(key: number, allowed: boolean): void {
    if (allowed) this.set(key, 2);
    else if (this.get(key) === 0) this.set(key, 1);
  }
  /** What `mark` recorded: undefined when nothing was. */
  anyAllowed(key: number): boolean | undefined {
    const v = this.get(key);
    return v === 0 ? undefined : v === 2;
  }
}

const ABSENT = 2;
type Code = 0 | 1 | typeof ABSENT; // denied, allowed, absent
const STATE: readonly FlowState[] = ['denied', 'allowed', 'absent'];

/** One (source class, destination class, port) whose verdict may differ between the sides. */
interface Cell {
  src: PodClass;
  dst: PodClass;
  port: PortRef;
  pairs: number;
  before: Code;
  after: Code;
  /** The workload flow (source workload, destination workload, port) as one number. */
  flow: number;
}

interface MatrixDiff {
  cells: Cell[];
  /** Per side, per workload flow: whether any pod pair of it is allowed (rule 4). */
  workloadFlows: Record<SideName, FlowTable>;
  flows: number;
  /** The number a matrix row has (see `rowNumber`), for a probe's row, if the matrix has it. */
  rowOf(
    from: string,
    to: string,
    portKey: string,
    before: FlowState,
    after: FlowState,
  ): number | undefined;
  /** A number for each matrix row: its endpoints by name, port and both states. */
  rowNumber(c: Cell, before: FlowState, after: FlowState): number;
}

const STATE_CODE: Record<FlowState, number> = { denied: 0, allowed: 1, absent: 2 };

function matrixDiff(sides: Record<SideName, Side>, by: 'workload' | 'pod'): MatrixDiff {
  const names = new Set([...sides.before.groupOf.keys(), ...sides.after.groupOf.keys()]);
  const pods = [...names].sort(cmp);
  const workloads = new Numbering();
  const shownNames = new Numbering();
  const ports = new Map<string, PortRef>();
  const classify = (role: 'src' | 'dst') => {
    const classes = new Map<string, PodClass>();
    const classOf = new Map<string, PodClass>();
    for (const key of pods) {
      const at = { before: sides.before.groupOf.get(key), after: sides.after.groupOf.get(key) };
      const w =
        by === 'pod' ? { key: `Pod/${key}`, name: key } : workloadOf((at.after ?? at.before)!.pod);
      const part = (x?: { group: EndpointGroup }) =>
        x ? (role === 'src' ? String(x.group.identity.index) : x.group.key) : '-';
      const ck = `${part(at.before)}#${part(at.after)}#${w.key}`;
      let c = classes.get(ck);
      if (!c) {
        c = {
          key: ck,
          workload: workloads.id(w.key),
          shown: shownNames.id(w.name),
          name: w.name,
          pods: [],
          overlap: new Map(),
        };
        classes.set(ck, c);
      }
      for (const side of SIDES) {
        const x = at[side];
        if (!x) continue;
        const cs = c[side];
        if (!cs) {
          const declared = new Set<string>();
          for (const p of x.group.ports) {
            const k = `${p.port}/${p.protocol}`;
            declared.add(k);
            if (!ports.has(k))
              ports.set(k, { port: p.port, protocol: p.protocol, key: k, index: ports.size });
          }
          c[side] = { group: x.group, first: x.pod, ports: declared };
        } else if (!cs.second) cs.second = x.pod;
      }
      c.pods.push(key);
      classOf.set(key, c);
    }
    return { classes: [...classes.values()], classOf };
  };
  const src = classify('src');
  const dst = classify('dst');
  for (const p of pods) {
    const s = src.classOf.get(p)!;
    const d = dst.classOf.get(p)!;
    s.overlap.set(d, (s.overlap.get(d) ?? 0) + 1);
  }
  const portList = [...ports.values()].sort(
    (a, b) => a.port - b.port || cmp(a.protocol, b.protocol),
  );
  const nPorts = ports.size;
  const nWorkloads = workloads.size;
  const nShown = shownNames.size;
  const size = nWorkloads * nWorkloads * nPorts;
  const workloadFlows = { before: new FlowTable(size), after: new FlowTable(size) };
  const shown = new FlowTable(nShown * nShown * nPorts);
  let flows = 0;
  const cells: Cell[] = [];
  // The hot loop: no closures or arrays are made per cell.
  for (const d of dst.classes) {
    const dPorts = portList.filter((p) => d.before?.ports.has(p.key) || d.after?.ports.has(p.key));
    for (const s of src.classes) {
      const pairs = s.pods.length * d.pods.length - (s.overlap.get(d) ?? 0);
      if (pairs === 0) continue;
      const sb = s.before && d.before ? sourceFor(s.before, d.before) : undefined;
      const db = sb && d.before ? destinationFor(s.before!, d.before) : undefined;
      const sa = s.after && d.after ? sourceFor(s.after, d.after) : undefined;
      const da = sa && d.after ? destinationFor(s.after!, d.after) : undefined;
      for (const port of dPorts) {
        let before: Code = ABSENT;
        if (sb && db && d.before!.ports.has(port.key))
          before = sides.before.matrix.allowed(sb, db, port.port, port.protocol) ? 1 : 0;
        let after: Code = ABSENT;
        if (sa && da && d.after!.ports.has(port.key))
          after = sides.after.matrix.allowed(sa, da, port.port, port.protocol) ? 1 : 0;
        if (before === ABSENT && after === ABSENT) continue;
        const flow = (s.workload * nWorkloads + d.workload) * nPorts + port.index;
        const shownKey = (s.shown * nShown + d.shown) * nPorts + port.index;
        if (shown.get(shownKey) === 0) {
          shown.set(shownKey, 1);
          flows++;
        }
        if (before !== ABSENT) workloadFlows.before.mark(flow, before === 1);
        if (after !== ABSENT) workloadFlows.after.mark(flow, after === 1);
        if (before !== after) cells.push({ src: s, dst: d, port, pairs, before, after, flow });
      }
    }
  }
  const rowNumber = (from: number, to: number, port: number, b: FlowState, a: FlowState) =>
    ((from * nShown + to) * nPorts + port) * 9 + STATE_CODE[b] * 3 + STATE_CODE[a];
  return {
    cells,
    workloadFlows,
    flows,
    rowOf: (from, to, portKey, b, a) => {
      const f = shownNames.find(from);
      const t = shownNames.find(to);
      const p = ports.get(portKey);
      return f === undefined || t === undefined || !p ? undefined : rowNumber(f, t, p.index, b, a);
    },
    rowNumber: (c, b, a) => rowNumber(c.src.shown, c.dst.shown, c.port.index, b, a),
  };
}

// ---------------------------------------------------------------------------------------------
// Probe flows

function endpointName(ep: Endpoint | undefined, by: 'workload' | 'pod'): string | undefined {
  if (!ep) return undefined;
  switch (ep.kind) {
    case 'pod':
      return by === 'pod' ? ep.label : workloadOf(ep.pod).name;
    case 'node':
      return ep.label;
    case 'world':
      return ep.text;
  }
}

/** The request a probe makes inside its connection, in a few words; null for none. */
export function l7Label(probe: Probe): string | null {
  const s = (v: unknown): string | undefined =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined;
  if (probe.http) {
    const h = probe.http;
    const parts = [(s(h.method) ?? 'GET').toUpperCase(), s(h.path) ?? '/'];
    const host = s(h.host);
    if (host) parts.push(`host=${host}`);
    if (typeof h.headers === 'object' && h.headers !== null) {
      const names = Object.keys(h.headers).sort(cmp);
      if (names.length > 0) parts.push(`headers=${names.join(',')}`);
    }
    return parts.join(' ');
  }
  if (probe.dns) {
    const q = s(probe.dns.query) ?? s(probe.dns.name) ?? '';
    return `DNS ${q} ${(s(probe.dns.type) ?? 'A').toUpperCase()}`;
  }
  if (probe.kafka) {
    const k = probe.kafka;
    const topics = [s(k.topic), ...(Array.isArray(k.topics) ? k.topics.map(s) : [])].filter(
      (t): t is string => t !== undefined,
    );
    return [`Kafka ${s(k.apiKey) ?? 'produce'}`, ...topics].join(' ');
  }
  return null;
}

const stateOf = (r: ProbeResult): FlowState => (r.error ? 'absent' : r.verdict);

// ---------------------------------------------------------------------------------------------
// The diff

const isChange = (before: FlowState, after: FlowState) =>
  (before === 'allowed') !== (after === 'allowed');

/** Compares the flows of two engines. Neither engine is modified (beyond their caches). */
export function diffEngines(before: Engine, after: Engine, options: DiffOptions = {}): FlowDiff {
  const by = options.by ?? 'workload';
  const explain = options.explain ?? true;
  const sides = { before: sideOf(before), after: sideOf(after) };
  const m = matrixDiff(sides, by);
  // Rule 4: a pod pair absent on one side takes its workload pair's verdict there.
  const settle = (c: Cell, side: SideName): FlowState => {
    if (c[side] !== ABSENT) return STATE[c[side]]!;
    const any = m.workloadFlows[side].anyAllowed(c.flow);
    return any === undefined ? 'absent' : any ? 'allowed' : 'denied';
  };

  interface Row extends FlowChange {
    /** One cell of the row, whose pods explain it. */
    sample?: Cell;
  }
  // Matrix rows by number, rows only probes show by text.
  const rows = new Map<number, Row>();
  const probeRows = new Map<string, Row>();
  const rowKey = (r: Omit<FlowChange, 'probes' | 'pairs' | 'policies' | 'reason'>) =>
    [r.change, r.from, r.to, r.port, r.protocol, r.l7 ?? '', r.before, r.after].join('\u0000');

  for (const c of m.cells) {
    const b = settle(c, 'before');
    const a = settle(c, 'after');
    if (!isChange(b, a)) continue;
    const key = m.rowNumber(c, b, a);
    const row = rows.get(key);
    if (row) row.pairs += c.pairs;
    else
      rows.set(key, {
        change: a === 'allowed' ? 'allowed' : 'denied',
        from: c.src.name,
        to: c.dst.name,
        port: c.port.port,
        protocol: c.port.protocol,
        l7: null,
        probes: [],
        pairs: c.pairs,
        before: b,
        after: a,
        policies: [],
        reason: '',
        sample: c,
      });
  }

  // Probes, on both sides.
  const probes = options.probes ?? [];
  for (const p of probes) {
    const rb = before.probe(p);
    const ra = after.probe(p);
    const b = stateOf(rb);
    const a = stateOf(ra);
    if (!isChange(b, a)) continue;
    const r = ra.error ? rb : ra;
    const fqdn = p.to.startsWith('fqdn:') ? p.to.slice(5).trim() : undefined;
    const base = {
      change: a === 'allowed' ? ('allowed' as const) : ('denied' as const),
      from: endpointName(r.source, by) ?? p.from,
      to: fqdn ?? endpointName(r.destination, by) ?? p.to,
      port: r.port ?? (typeof p.port === 'number' ? p.port : Number(p.port) || 0),
      protocol: r.protocol ?? p.protocol ?? (p.dns ? 'UDP' : 'TCP'),
      l7: fqdn === undefined ? l7Label(p) : null,
      before: b,
      after: a,
    };
    const policies = explain
      ? [...new Set([...decidingPolicies(rb), ...decidingPolicies(ra)])].sort(cmp)
      : [];
    // Rule 5: a probe without L7 joins the matrix row of the same change.
    const n =
      base.l7 === null
        ? m.rowOf(base.from, base.to, `${base.port}/${base.protocol}`, b, a)
        : undefined;
    const matrixRow = n === undefined ? undefined : rows.get(n);
    const key = rowKey(base);
    const row = matrixRow ?? probeRows.get(key);
    if (row) {
      row.probes.push(p.id);
      if (row.sample === undefined)
        row.policies = [...new Set([...row.policies, ...policies])].sort(cmp);
    } else
      probeRows.set(key, {
        change: base.change,
        from: base.from,
        to: base.to,
        port: base.port,
        protocol: base.protocol,
        l7: base.l7,
        probes: [p.id],
        pairs: 0,
        before: b,
        after: a,
        policies,
        reason: explain ? ra.reason : '',
      });
  }

  const changes: FlowChange[] = [];
  for (const row of [...rows.values(), ...probeRows.values()]) {
    const { sample, ...change } = row;
    if (sample && explain) {
      const results = SIDES.flatMap((side) => {
        const s = sample.src[side];
        const d = sample.dst[side];
        const sp = s && d && d.ports.has(sample.port.key) ? sourceFor(s, d) : undefined;
        const dp = sp ? destinationFor(s!, d!) : undefined;
        if (!sp || !dp) return [];
        const probe: Probe = {
          id: '',
          from: `${sp.namespace}/${sp.name}`,
          to: `${dp.namespace}/${dp.name}`,
          port: sample.port.port,
          protocol: sample.port.protocol,
        };
        return [{ side, result: sides[side].engine.probe(probe) }];
      });
      change.policies = [
        ...new Set(results.flatMap(({ result }) => decidingPolicies(result))),
      ].sort(cmp);
      const last = results.at(-1);
      change.reason = !last
        ? ''
        : last.side === 'after'
          ? last.result.reason
          : change.after === 'absent'
            ? `not a flow any more (before: ${last.result.reason})`
            : `before: ${last.result.reason}`;
    }
    change.probes.sort(cmp);
    changes.push(change);
  }
  // Names ranked once, so that sorting many rows compares numbers first.
  const rank = new Map(
    [...new Set(changes.flatMap((c) => [c.from, c.to]))].sort(cmp).map((n, i) => [n, i]),
  );
  changes.sort(
    (x, y) =>
      cmp(x.change, y.change) ||
      rank.get(x.from)! - rank.get(y.from)! ||
      rank.get(x.to)! - rank.get(y.to)! ||
      x.port - y.port ||
      cmp(x.protocol, y.protocol) ||
      cmp(x.l7 ?? '', y.l7 ?? '') ||
      cmp(x.probes.join(','), y.probes.join(',')) ||
      cmp(x.before, y.before) ||
      cmp(x.after, y.after),
  );
  const newlyAllowed = changes.filter((c) => c.change === 'allowed').length;
  return {
    changes,
    summary: {
      newlyAllowed,
      newlyDenied: changes.length - newlyAllowed,
      flows: m.flows,
      probes: probes.length,
    },
  };
}
