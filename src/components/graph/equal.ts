/**
 * Cheap equality of graph data as the drawing sees it, so an edit that changes nothing the graph
 * shows (a comment, a reordered key) costs no redraw. Flow rows are immutable once logged, so
 * the flow lists compare by their sequence numbers.
 */
import type {
  FlowRow,
  GraphChange,
  GraphData,
  GraphEdge,
  GraphNode,
} from '../../sim/graph-types.ts';

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}

const sameStrings = (a: readonly string[], b: readonly string[]) =>
  sameList(a, b, (x, y) => x === y);

/** Nodes that draw the same. */
export function sameNode(a: GraphNode, b: GraphNode): boolean {
  if (a.id !== b.id || a.kind !== b.kind || a.label !== b.label || a.namespace !== b.namespace)
    return false;
  if (!sameStrings(a.pods, b.pods)) return false;
  const ka = Object.keys(a.labels);
  const kb = Object.keys(b.labels);
  return ka.length === kb.length && ka.every((k) => a.labels[k] === b.labels[k]);
}

/** Edges that draw the same (given the same route and node names). */
export function sameEdge(a: GraphEdge, b: GraphEdge): boolean {
  return (
    a.id === b.id &&
    a.verdict === b.verdict &&
    a.count === b.count &&
    a.flipped === b.flipped &&
    sameStrings(a.l7, b.l7) &&
    sameStrings(a.policies, b.policies)
  );
}

const sameChange = (a: GraphChange, b: GraphChange) =>
  a.edge === b.edge && a.l7 === b.l7 && a.before === b.before && a.after === b.after;

/** The same flows: rows are never rewritten, so sequence numbers identify them. */
export function sameFlows(a: readonly FlowRow[], b: readonly FlowRow[]): boolean {
  return sameList(a, b, (x, y) => x.seq === y.seq);
}

/** Nodes and edges draw the same (the flow table is compared separately). */
export function sameDrawing(a: GraphData, b: GraphData): boolean {
  return (
    a.version === b.version &&
    sameList(a.nodes, b.nodes, sameNode) &&
    sameList(a.edges, b.edges, sameEdge) &&
    sameList(a.changes ?? [], b.changes ?? [], sameChange)
  );
}
