/**
 * Where the flow graph's boxes go. ELK's layered algorithm places workloads inside namespace
 * boxes and world, host and FQDN nodes outside them, from left (clients) to right (servers).
 *
 * The layout must not jump while someone watches traffic arrive, so positions depend on the node
 * set alone once computed: a `GraphLayouter` caches them by the sorted node ids (and box sizes)
 * and hands the same positions back whatever the edges do. Edges are drawn from the boxes'
 * positions by the renderer, never routed by ELK. Only a new or removed node (or a renamed
 * one whose box changes size) lays the graph out again.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphEdge, GraphNode } from '../../sim/graph-types.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A node's box in graph coordinates (absolute, not relative to its namespace). */
export interface NodeBox extends Rect {
  id: string;
}

export interface NamespaceBox extends Rect {
  name: string;
}

export interface GraphLayout {
  /** The node-set key the layout was computed for (see `layoutKey`). */
  key: string;
  nodes: ReadonlyMap<string, NodeBox>;
  /** Sorted by name. */
  namespaces: readonly NamespaceBox[];
  width: number;
  height: number;
}

export const NODE_HEIGHT = 46;
const NODE_MIN_WIDTH = 132;
const NODE_MAX_WIDTH = 232;
/** Room for the kind icon on the left and padding on the right. */
const NODE_CHROME = 58;
/** An estimate of one character's width in the node font (13px system-ui). */
export const CHAR_WIDTH = 7.4;
const NAMESPACE_HEADER = 30;
const NAMESPACE_PADDING = 14;

/** The widest label that fits a node box, in characters. */
export const MAX_LABEL_CHARS = Math.floor((NODE_MAX_WIDTH - NODE_CHROME) / CHAR_WIDTH);

/** A node box's width, from its label (labels longer than the widest box are shortened). */
export function nodeWidth(node: Pick<GraphNode, 'label'>): number {
  const chars = Math.min(node.label.length, MAX_LABEL_CHARS);
  const width = Math.ceil(NODE_CHROME + chars * CHAR_WIDTH);
  return Math.max(NODE_MIN_WIDTH, Math.min(NODE_MAX_WIDTH, width));
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Identifies a node set: ids, namespaces and box widths, in id order. Equal keys get equal
 * positions, so a change of edges, verdicts, pods or labels that keep the width does not move
 * anything.
 */
export function layoutKey(nodes: readonly GraphNode[]): string {
  return nodes
    .map((n) => `${n.id}\u0000${n.namespace ?? ''}\u0000${nodeWidth(n)}`)
    .sort(byString)
    .join('\n');
}

/**
 * The node pairs ELK sees, in a fixed order. Possible edges come first: they follow the cluster
 * (who serves which port), not the traffic someone happened to generate, so the layout does not
 * depend on the order things were tried in. Observed edges count only where they reach a node
 * no possible edge does (world, FQDN and host nodes, which exist because of traffic anyway).
 */
export function layoutPairs(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): [string, string][] {
  const ids = new Set(nodes.map((n) => n.id));
  const covered = new Set<string>();
  for (const e of edges)
    if (e.source === 'possible') {
      covered.add(e.from);
      covered.add(e.to);
    }
  const pick = edges.filter(
    (e) => e.source === 'possible' || !covered.has(e.from) || !covered.has(e.to),
  );
  const pairs = new Map<string, [string, string]>();
  for (const e of pick) {
    if (e.from === e.to || !ids.has(e.from) || !ids.has(e.to)) continue;
    pairs.set(`${e.from}\u0000${e.to}`, [e.from, e.to]);
  }
  return [...pairs.entries()].sort((a, b) => byString(a[0], b[0])).map(([, pair]) => pair);
}

/** Spacing inside namespaces as well as between them: edge labels need room between layers. */
const SPACING = {
  'elk.spacing.nodeNode': '36',
  'elk.layered.spacing.nodeNodeBetweenLayers': '110',
  'elk.spacing.edgeNode': '24',
};

/** ELK's id for a namespace box; cannot collide with node ids, which never start with U+0001. */
function namespaceId(name: string): string {
  return `\u0001namespace:${name}`;
}

/** The ELK graph for a node set: namespaces as compound nodes, everything sorted by id. */
export function elkGraph(nodes: readonly GraphNode[], pairs: readonly [string, string][]): ElkNode {
  const sorted = [...nodes].sort((a, b) => byString(a.id, b.id));
  const namespaces = new Map<string, ElkNode[]>();
  const outside: ElkNode[] = [];
  for (const n of sorted) {
    const box: ElkNode = { id: n.id, width: nodeWidth(n), height: NODE_HEIGHT };
    if (n.namespace === undefined) outside.push(box);
    else {
      const list = namespaces.get(n.namespace) ?? [];
      list.push(box);
      namespaces.set(n.namespace, list);
    }
  }
  const children: ElkNode[] = [...namespaces.keys()].sort(byString).map((name) => ({
    id: namespaceId(name),
    layoutOptions: {
      'elk.padding': `[top=${NAMESPACE_HEADER + NAMESPACE_PADDING},left=${NAMESPACE_PADDING},bottom=${NAMESPACE_PADDING},right=${NAMESPACE_PADDING}]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      // Room for `namespace <name>` in the header.
      'elk.nodeSize.minimum': `(${Math.ceil(32 + (name.length + 10) * CHAR_WIDTH)}, 40)`,
      ...SPACING,
    },
    children: namespaces.get(name) ?? [],
  }));
  children.push(...outside);
  const edges: ElkExtendedEdge[] = pairs.map(([from, to], i) => ({
    id: `e${i}`,
    sources: [from],
    targets: [to],
  }));
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      ...SPACING,
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.randomSeed': '1',
    },
    children,
    edges,
  };
}

/** Reads ELK's result into absolute boxes. */
export function readLayout(key: string, result: ElkNode): GraphLayout {
  const nodes = new Map<string, NodeBox>();
  const namespaces: NamespaceBox[] = [];
  const round = (v: number | undefined) => Math.round(v ?? 0);
  for (const child of result.children ?? []) {
    const x = round(child.x);
    const y = round(child.y);
    const box = { x, y, width: round(child.width), height: round(child.height) };
    if (child.id.startsWith('\u0001namespace:')) {
      namespaces.push({ name: child.id.slice('\u0001namespace:'.length), ...box });
      for (const inner of child.children ?? [])
        nodes.set(inner.id, {
          id: inner.id,
          x: x + round(inner.x),
          y: y + round(inner.y),
          width: round(inner.width),
          height: round(inner.height),
        });
    } else nodes.set(child.id, { id: child.id, ...box });
  }
  namespaces.sort((a, b) => byString(a.name, b.name));
  return { key, nodes, namespaces, width: round(result.width), height: round(result.height) };
}

/** Lays a node set out once, with ELK; `layoutPairs` decides which edges it considers. */
export async function computeLayout(
  elk: ELK,
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): Promise<GraphLayout> {
  const result = await elk.layout(elkGraph(nodes, layoutPairs(nodes, edges)));
  return readLayout(layoutKey(nodes), result);
}

/** ELK's bundled build, fetched the first time something is laid out. */
export async function loadElk(): Promise<ELK> {
  const mod = await import('elkjs/lib/elk.bundled.js');
  const Elk = mod.default;
  return new Elk();
}

/** How many node sets a layouter remembers (switching back to one reuses its positions). */
const CACHE_SIZE = 8;

/** Lays out graphs, reusing the positions of a node set it has seen before. */
export class GraphLayouter {
  private elk: Promise<ELK> | null = null;
  private readonly cache = new Map<string, Promise<GraphLayout>>();

  constructor(private readonly makeElk: () => Promise<ELK> = loadElk) {}

  /** The layout for the data's node set; the edges count only the first time it is seen. */
  layout(data: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] }): Promise<GraphLayout> {
    const key = layoutKey(data.nodes);
    const cached = this.cache.get(key);
    if (cached) {
      // Most recently used last, so the oldest is the one dropped.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    if (!this.elk) {
      const elk = this.makeElk();
      elk.catch(() => {
        if (this.elk === elk) this.elk = null;
      });
      this.elk = elk;
    }
    const nodes = [...data.nodes];
    const edges = [...data.edges];
    const pending = this.elk.then((elk) => computeLayout(elk, nodes, edges));
    this.cache.set(key, pending);
    pending.catch(() => {
      if (this.cache.get(key) === pending) this.cache.delete(key);
    });
    while (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return pending;
  }
}
