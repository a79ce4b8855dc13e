/**
 * What the flow graph shows for an edge, and where: which edges a view mode keeps, the classes
 * that colour them, their labels and spoken descriptions, and the curves between node boxes.
 * Pure functions, so they can be tested without a DOM.
 */
import type { EdgeVerdict, GraphEdge, GraphNode } from '../../sim/graph-types.ts';
import type { Rect } from './layout.ts';

/** Which edges the graph shows: traffic someone generated, what policy allows, or both. */
export type GraphMode = 'observed' | 'possible' | 'both';

export const GRAPH_MODES: readonly GraphMode[] = ['observed', 'possible', 'both'];

export const MODE_TEXT: Record<GraphMode, string> = {
  observed: 'Observed',
  possible: 'Possible',
  both: 'Both',
};

export const VERDICT_TEXT: Record<EdgeVerdict, string> = {
  allowed: 'allowed',
  denied: 'denied',
  'l7-denied': 'denied at L7',
};

export function isGraphMode(value: unknown): value is GraphMode {
  return value === 'observed' || value === 'possible' || value === 'both';
}

export function edgeVisible(edge: Pick<GraphEdge, 'source'>, mode: GraphMode): boolean {
  return mode === 'both' || edge.source === mode;
}

/**
 * The classes of an edge's group: `edge--allowed` (green), `edge--denied` (red),
 * `edge--l7-denied` (amber), `edge--possible` (dashed), `edge--flipped` (marked).
 */
export function edgeClasses(
  edge: Pick<GraphEdge, 'verdict' | 'source' | 'flipped'>,
  selected = false,
): string[] {
  const classes = ['edge', `edge--${edge.verdict}`, `edge--${edge.source}`];
  if (edge.flipped) classes.push('edge--flipped');
  if (selected) classes.push('is-selected');
  return classes;
}

/** `5432/TCP`; a port of 0 stands for every port of the protocol. */
export function portText(edge: Pick<GraphEdge, 'port' | 'protocol'>): string {
  return edge.port > 0 ? `${edge.port}/${edge.protocol}` : `any ${edge.protocol}`;
}

/** `db/flask-app` for workloads, the label alone for world, host and FQDN nodes. */
export function nodeName(node: Pick<GraphNode, 'namespace' | 'label'>): string {
  return node.namespace === undefined ? node.label : `${node.namespace}/${node.label}`;
}

/** Shortens text to at most `max` characters, with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The label drawn on the edge: port, protocol and, for observed edges, how many flows. */
export function edgeLabel(edge: GraphEdge): string {
  const port = portText(edge);
  return edge.source === 'observed' && edge.count > 0 ? `${port} ×${edge.count}` : port;
}

/** The newest L7 summary, if any. */
export function edgeL7(edge: Pick<GraphEdge, 'l7'>): string | undefined {
  return edge.l7[0];
}

/** A sentence for screen readers and tooltips. */
export function edgeDescription(edge: GraphEdge, name: (id: string) => string): string {
  const parts = [
    `${name(edge.from)} to ${name(edge.to)}`,
    portText(edge),
    VERDICT_TEXT[edge.verdict],
  ];
  if (edge.source === 'observed')
    parts.push(edge.count === 1 ? 'observed once' : `observed ${edge.count} times`);
  else parts.push('possible under the current policies');
  const l7 = edgeL7(edge);
  if (l7) parts.push(`last ${l7}`);
  if (edge.flipped) parts.push('verdict changed with the last edit');
  if (edge.policies.length > 0) parts.push(`decided by ${edge.policies.join(', ')}`);
  return parts.join(', ');
}

export interface Point {
  x: number;
  y: number;
}

export interface EdgeRoute {
  /** SVG path data. */
  d: string;
  /** Where the label sits (the middle of the curve). */
  label: Point;
}

function center(r: Rect): Point {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/** Where the ray from the box's centre towards `toward` leaves the box. */
export function clipToBox(box: Rect, toward: Point): Point {
  const c = center(box);
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : box.width / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : box.height / 2 / Math.abs(dy);
  const s = Math.min(sx, sy, 1);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

function quadAt(a: Point, c: Point, b: Point, t: number): Point {
  const u = 1 - t;
  return {
    x: u * u * a.x + 2 * u * t * c.x + t * t * b.x,
    y: u * u * a.y + 2 * u * t * c.y + t * t * b.y,
  };
}

function inside(p: Point, r: Rect, margin: number): boolean {
  return (
    p.x > r.x - margin &&
    p.x < r.x + r.width + margin &&
    p.y > r.y - margin &&
    p.y < r.y + r.height + margin
  );
}

/** Gap between parallel edges of one node pair, in graph units. */
const PARALLEL_GAP = 22;
/** Bends tried, in order, when the straight line would cross another node. */
const DETOURS = [0, 60, -60, 120, -120, 180, -180, 260, -260];

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/**
 * Curves for every edge between boxes that exist. Edges between the same two nodes fan out
 * (both directions included), and a lone edge bends around nodes standing in its way. The
 * result depends only on the boxes and the edge ids, so an edge keeps its curve while others
 * come and go elsewhere.
 */
export function routeEdges(
  edges: readonly Pick<GraphEdge, 'id' | 'from' | 'to'>[],
  boxes: ReadonlyMap<string, Rect>,
): Map<string, EdgeRoute> {
  const routes = new Map<string, EdgeRoute>();
  const groups = new Map<string, Pick<GraphEdge, 'id' | 'from' | 'to'>[]>();
  for (const e of edges) {
    if (!boxes.has(e.from) || !boxes.has(e.to)) continue;
    const key = e.from < e.to ? `${e.from}\u0000${e.to}` : `${e.to}\u0000${e.from}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  const allBoxes = [...boxes.entries()];
  for (const group of groups.values()) {
    group.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const first = group[0]!;
    if (first.from === first.to) {
      const box = boxes.get(first.from)!;
      group.forEach((e, i) => routes.set(e.id, selfLoop(box, i)));
      continue;
    }
    // Geometry in the pair's canonical direction, so both directions share one fan.
    const [lo, hi] = first.from < first.to ? [first.from, first.to] : [first.to, first.from];
    const loBox = boxes.get(lo)!;
    const hiBox = boxes.get(hi)!;
    const a = center(loBox);
    const b = center(hiBox);
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const perp = { x: -(b.y - a.y) / len, y: (b.x - a.x) / len };
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    const others = allBoxes.filter(([id]) => id !== lo && id !== hi).map(([, r]) => r);
    const spread = (group.length - 1) / 2;
    // One detour for the whole fan: the first bend whose middle curve misses every other box.
    const detour =
      DETOURS.find((bend) => {
        const c = { x: mid.x + perp.x * bend * 2, y: mid.y + perp.y * bend * 2 };
        for (let i = 1; i < 16; i++) {
          const p = quadAt(a, c, b, i / 16);
          if (others.some((r) => inside(p, r, 6))) return false;
        }
        return true;
      }) ?? 0;
    group.forEach((e, i) => {
      const offset = detour + (i - spread) * PARALLEL_GAP;
      // The curve's middle lies half way to the control point.
      const control = { x: mid.x + perp.x * offset * 2, y: mid.y + perp.y * offset * 2 };
      const fromBox = boxes.get(e.from)!;
      const toBox = boxes.get(e.to)!;
      const start = clipToBox(fromBox, control);
      const end = clipToBox(toBox, control);
      routes.set(e.id, {
        d: `M${fmt(start.x)},${fmt(start.y)} Q${fmt(control.x)},${fmt(control.y)} ${fmt(end.x)},${fmt(end.y)}`,
        label: quadAt(start, control, end, 0.5),
      });
    });
  }
  return routes;
}

/** A loop over a node's top right corner, for traffic between pods of one workload. */
function selfLoop(box: Rect, index: number): EdgeRoute {
  const grow = 24 + index * 14;
  const sx = box.x + box.width - 36;
  const sy = box.y;
  const ex = box.x + box.width;
  const ey = box.y + 16;
  return {
    d: `M${fmt(sx)},${fmt(sy)} C${fmt(sx)},${fmt(sy - grow * 1.6)} ${fmt(ex + grow * 1.6)},${fmt(ey)} ${fmt(ex)},${fmt(ey)}`,
    label: { x: ex + grow * 0.6, y: sy - grow * 0.6 },
  };
}
