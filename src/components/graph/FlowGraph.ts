/**
 * The flow graph panel: an SVG drawing of workloads in namespace boxes with the traffic between
 * them (green allowed, red denied, amber refused at L7, dashed where the traffic is only possible
 * under the current policies), the same edges as a table for people who cannot see the drawing,
 * and the observed flows below.
 *
 * Everything is built with `createElementNS`/`createElement` and `textContent`; nothing from the
 * data is parsed as markup. Elements are kept per node and edge id between updates, so focus and
 * selection survive new data, and positions come from a `GraphLayouter`, which keeps them fixed
 * while the node set stays the same.
 */
import type { FlowRow, GraphData, GraphEdge, GraphNode } from '../../sim/graph-types.ts';
import { html, setAttrs, setText, svg, syncChildren, uniquePrefix } from './dom.ts';
import {
  edgeClasses,
  edgeDescription,
  edgeL7,
  edgeLabel,
  edgeVisible,
  GRAPH_MODES,
  isGraphMode,
  MODE_TEXT,
  nodeName,
  routeEdges,
  truncate,
  type EdgeRoute,
  type GraphMode,
} from './edges.ts';
import { createEdgeTable, mountFlowTable, type FlowTableHandle } from './FlowTable.ts';
import { sameDrawing, sameEdge, sameFlows, sameNode } from './equal.ts';
import { GraphLayouter, MAX_LABEL_CHARS, type GraphLayout } from './layout.ts';
import './graph.css';

export type { GraphMode };

export interface FlowGraphOptions {
  /** An edge was clicked, or chosen with Enter or Space (in the drawing or the edge table). */
  onSelectEdge?(edge: GraphEdge): void;
  /** A flow table row was clicked or chosen. */
  onSelectFlow?(row: FlowRow): void;
  /** Which edges to show at first; `both` by default. */
  mode?: GraphMode;
  /** Show the flow table under the graph (default true). */
  flows?: boolean;
  /** Lays the graph out; pass one to share its cache between panels. */
  layouter?: GraphLayouter;
}

export interface FlowGraphUpdateOptions {
  mode: GraphMode;
}

export interface FlowGraphHandle {
  /**
   * Shows new data. Resolves once it is drawn (or a newer update superseded it); data that draws
   * the same as what is on screen costs no redraw.
   */
  update(data: GraphData, opts?: FlowGraphUpdateOptions): Promise<void>;
  /** Zooms and pans so the whole graph is visible. */
  fit(): void;
  /** Selects an edge by id without calling `onSelectEdge`; false when it is not drawn. */
  selectEdge(id: string): boolean;
  /** Selects a row of the flow table by `FlowRow.seq` without calling `onSelectFlow`. */
  selectFlow(seq: number): boolean;
  dispose(): void;
}

interface View {
  x: number;
  y: number;
  k: number;
}

interface NodeParts {
  g: SVGGElement;
  title: SVGTitleElement;
  box: SVGRectElement;
  icon: SVGGElement;
  label: SVGTextElement;
  sub: SVGTextElement;
  kind: string;
  /** What the elements were last drawn from: the same again means nothing to touch. */
  drawn?: { node: GraphNode; box: unknown };
}

interface NamespaceParts {
  g: SVGGElement;
  box: SVGRectElement;
  name: SVGTSpanElement;
  /** The layout's box it was last drawn from (kept while the layout is). */
  drawn?: unknown;
}

interface EdgeParts {
  g: SVGGElement;
  title: SVGTitleElement;
  hit: SVGPathElement;
  line: SVGPathElement;
  labelGroup: SVGGElement;
  labelBg: SVGRectElement;
  port: SVGTextElement;
  l7: SVGTextElement;
  flip: SVGGElement;
  edge: GraphEdge;
  /** What the elements were last drawn from: the same again means nothing to touch. */
  drawn?: { edge: GraphEdge; route: EdgeRoute; selected: boolean; from: string; to: string };
}

const MIN_ZOOM = 0.2;
const MAX_ZOOM = 4;
/** The drag distance (px) after which a press becomes a pan instead of a click. */
const DRAG_THRESHOLD = 4;
/** Approximate width of one character of edge label text (11px). */
const LABEL_CHAR = 6.3;
const L7_CHARS = 34;
/** Changes listed in words; the rest are counted. */
const MAX_CHANGES = 30;

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

const SUBTITLE: Record<GraphNode['kind'], string> = {
  workload: '',
  world: 'outside the cluster',
  host: 'cluster node',
  'remote-node': 'another node',
  'kube-dns': 'cluster DNS',
  fqdn: 'DNS name',
};

function subtitle(node: GraphNode): string {
  const pods = node.pods.length === 1 ? '1 pod' : `${node.pods.length} pods`;
  if (node.kind === 'workload') return pods;
  if (node.kind === 'kube-dns') return `${SUBTITLE['kube-dns']} · ${pods}`;
  return SUBTITLE[node.kind];
}

function nodeTooltip(node: GraphNode): string {
  const lines = [nodeName(node), `kind: ${node.kind}`];
  if (node.pods.length > 0) lines.push(`pods: ${node.pods.join(', ')}`);
  const labels = Object.entries(node.labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  if (labels.length > 0) lines.push(`labels: ${labels.join(', ')}`);
  return lines.join('\n');
}

/** A small shape (24 × 24) that tells node kinds apart without relying on colour alone. */
function kindIcon(kind: GraphNode['kind']): SVGElement[] {
  const hexagon = 'M12,1 L22,6.5 L22,17.5 L12,23 L2,17.5 L2,6.5 Z';
  switch (kind) {
    case 'workload':
      return [
        svg('path', { d: hexagon, class: 'icon-shape' }),
        svg('path', { d: 'M7,9.5 L12,7 L17,9.5 L17,14.5 L12,17 L7,14.5 Z', class: 'icon-detail' }),
      ];
    case 'kube-dns':
      return [
        svg('path', { d: hexagon, class: 'icon-shape' }),
        svg('text', { x: 12, y: 15.5, class: 'icon-text', 'text-anchor': 'middle' }, 'DNS'),
      ];
    case 'world':
      return [
        svg('circle', { cx: 12, cy: 12, r: 10.5, class: 'icon-shape' }),
        svg('ellipse', { cx: 12, cy: 12, rx: 4.5, ry: 10.5, class: 'icon-detail' }),
        svg('path', { d: 'M1.5,12 H22.5 M3.5,6.5 H20.5 M3.5,17.5 H20.5', class: 'icon-detail' }),
      ];
    case 'host':
    case 'remote-node':
      return [
        svg('rect', {
          x: 2,
          y: 3,
          width: 20,
          height: 14,
          rx: 2,
          class: kind === 'host' ? 'icon-shape' : 'icon-shape icon-shape--dashed',
        }),
        svg('path', { d: 'M8,21 H16 M12,17 V21', class: 'icon-detail' }),
      ];
    case 'fqdn':
      return [
        svg('rect', { x: 1.5, y: 4, width: 21, height: 16, rx: 8, class: 'icon-shape' }),
        svg('text', { x: 12, y: 15.5, class: 'icon-text', 'text-anchor': 'middle' }, 'www'),
      ];
  }
}

export function mountFlowGraph(
  container: HTMLElement,
  options: FlowGraphOptions = {},
): FlowGraphHandle {
  const prefix = uniquePrefix('flow-graph');
  const abort = new AbortController();
  const { signal } = abort;
  const layouter = options.layouter ?? new GraphLayouter();
  let mode: GraphMode = options.mode ?? 'both';

  const panel = html('div', { class: 'flow-graph-panel' });
  const region = html('div', {
    class: 'flow-graph',
    role: 'region',
    'aria-label': 'Flow graph',
    'data-state': 'empty',
  });

  // Toolbar: view mode, zoom, and the table alternative.
  const toolbar = html('div', { class: 'fg-toolbar' });
  const modes = html('fieldset', { class: 'fg-modes' });
  modes.append(html('legend', {}, 'Edges'));
  const radios = new Map<GraphMode, HTMLInputElement>();
  for (const m of GRAPH_MODES) {
    const label = html('label', { class: 'fg-mode' });
    const input = html('input', { type: 'radio', name: `${prefix}-mode`, value: m });
    input.checked = m === mode;
    radios.set(m, input);
    label.append(input, html('span', {}, MODE_TEXT[m]));
    modes.append(label);
  }
  const zoom = html('div', { class: 'fg-zoom', role: 'group', 'aria-label': 'Zoom' });
  const zoomIn = html('button', { type: 'button', 'aria-label': 'Zoom in' }, '+');
  const zoomOut = html('button', { type: 'button', 'aria-label': 'Zoom out' }, '−');
  const fitButton = html('button', { type: 'button' }, 'Fit');
  zoom.append(zoomIn, zoomOut, fitButton);
  const tableToggle = html(
    'button',
    { type: 'button', class: 'fg-table-toggle', 'aria-pressed': 'false' },
    'Show as table',
  );
  toolbar.append(modes, zoom, tableToggle);

  // Legend: what colours and dashes mean, with words next to each sample.
  const legend = html('ul', { class: 'fg-legend', 'aria-label': 'Legend' });
  const legendItems: [string, string][] = [
    ['edge--allowed edge--observed', 'allowed'],
    ['edge--denied edge--observed', 'denied'],
    ['edge--l7-denied edge--observed', 'denied at L7'],
    ['edge--allowed edge--possible', 'possible (dashed)'],
  ];
  for (const [cls, text] of legendItems) {
    const li = html('li');
    const sample = svg('svg', { width: 28, height: 10, 'aria-hidden': 'true', class: 'fg-swatch' });
    sample.append(svg('line', { x1: 1, y1: 5, x2: 27, y2: 5, class: `edge-line ${cls}` }));
    li.append(sample, html('span', {}, text));
    legend.append(li);
  }
  const flipItem = html('li');
  const flipSample = svg('svg', {
    width: 16,
    height: 16,
    'aria-hidden': 'true',
    class: 'fg-swatch',
  });
  flipSample.append(
    svg('circle', { cx: 8, cy: 8, r: 7, class: 'edge-flip-mark' }),
    svg('text', { x: 8, y: 11.5, 'text-anchor': 'middle', class: 'edge-flip-text' }, '!'),
  );
  flipItem.append(flipSample, html('span', {}, 'verdict changed by the last edit'));
  legend.append(flipItem);

  // The drawing.
  const canvas = html('div', { class: 'fg-canvas' });
  const drawing = svg('svg', {
    class: 'fg-svg',
    role: 'group',
    'aria-label': 'Workloads and traffic',
  });
  const defs = svg('defs');
  const markerId = (verdict: GraphEdge['verdict']) => `${prefix}-arrow-${verdict}`;
  for (const verdict of ['allowed', 'denied', 'l7-denied'] as const) {
    const marker = svg('marker', {
      id: markerId(verdict),
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 8,
      markerHeight: 8,
      markerUnits: 'userSpaceOnUse',
      orient: 'auto-start-reverse',
    });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 Z', class: `fg-arrow fg-arrow--${verdict}` }));
    defs.append(marker);
  }
  const viewport = svg('g', { class: 'fg-viewport' });
  const namespaceLayer = svg('g', { class: 'fg-namespaces' });
  const edgeLayer = svg('g', { class: 'fg-edges' });
  const nodeLayer = svg('g', { class: 'fg-nodes' });
  viewport.append(namespaceLayer, edgeLayer, nodeLayer);
  drawing.append(defs, viewport);
  canvas.append(drawing);

  const edgeTable = createEdgeTable((edge) => select(edge));
  const tableBox = html('div', { class: 'fg-table', id: `${prefix}-table` });
  tableBox.hidden = true;
  tableBox.append(edgeTable.element);
  tableToggle.setAttribute('aria-controls', tableBox.id);

  const status = html('p', { class: 'fg-status', role: 'status' });
  const hint = html(
    'p',
    { class: 'fg-hint' },
    'Drag to pan, use the mouse wheel to zoom. Tab to an edge and press Enter to select it.',
  );

  // What the last edit turned around, in words: the what-if list next to the flip marks.
  const changesBox = html('div', {
    class: 'fg-changes',
    role: 'region',
    'aria-label': 'What the last edit changed',
  });
  changesBox.hidden = true;
  const changesTitle = html('p', { class: 'fg-changes-title' });
  const changesList = html('ul', { class: 'fg-changes-list' });
  changesBox.append(changesTitle, changesList);

  region.append(toolbar, legend, canvas, tableBox, status, changesBox, hint);
  panel.append(region);

  let flowTable: FlowTableHandle | null = null;
  if (options.flows !== false) {
    const flowsRegion = html('div', { class: 'fg-flows', role: 'region', 'aria-label': 'Flows' });
    flowsRegion.append(html('h3', { class: 'fg-flows-title' }, 'Flows'));
    panel.append(flowsRegion);
    flowTable = mountFlowTable(flowsRegion, {
      onSelectFlow: (row) => options.onSelectFlow?.(row),
    });
  }
  container.append(panel);

  // State.
  let data: GraphData | null = null;
  let layout: GraphLayout | null = null;
  let renderSeq = 0;
  let selectedId: string | null = null;
  let view: View = { x: 0, y: 0, k: 1 };
  /** Once someone pans or zooms, new layouts no longer refit the view. */
  let interacted = false;
  let needsFit = true;
  const namespaces = new Map<string, NamespaceParts>();
  const nodes = new Map<string, NodeParts>();
  const edges = new Map<string, EdgeParts>();
  let names = new Map<string, string>();
  const nameOf = (id: string) => names.get(id) ?? id;

  function applyView(): void {
    setAttrs(viewport, {
      transform: `translate(${fmt(view.x)},${fmt(view.y)}) scale(${fmt(view.k)})`,
    });
  }

  function fit(): void {
    if (!layout) return;
    const width = drawing.clientWidth;
    const height = drawing.clientHeight;
    if (width === 0 || height === 0) {
      needsFit = true;
      return;
    }
    needsFit = false;
    const margin = 12;
    const k = clamp(
      Math.min((width - margin * 2) / layout.width, (height - margin * 2) / layout.height),
      MIN_ZOOM,
      1.25,
    );
    view = { x: (width - layout.width * k) / 2, y: (height - layout.height * k) / 2, k };
    applyView();
  }

  function zoomAt(px: number, py: number, factor: number): void {
    const k = clamp(view.k * factor, MIN_ZOOM, MAX_ZOOM);
    const f = k / view.k;
    view = { x: px - (px - view.x) * f, y: py - (py - view.y) * f, k };
    interacted = true;
    applyView();
  }

  function setState(state: 'empty' | 'loading' | 'ready' | 'error'): void {
    setAttrs(region, {
      'data-state': state,
      'aria-busy': state === 'loading' ? 'true' : undefined,
    });
  }

  // --- Drawing -------------------------------------------------------------------------------

  function drawNamespaces(): void {
    if (!layout) return;
    const els: SVGGElement[] = [];
    const seen = new Set<string>();
    for (const ns of layout.namespaces) {
      seen.add(ns.name);
      let parts = namespaces.get(ns.name);
      if (!parts) {
        const g = svg('g', { class: 'namespace', 'data-namespace': ns.name });
        const box = svg('rect', { class: 'namespace-box', rx: 10 });
        const text = svg('text', { class: 'namespace-label', x: 12, y: 20 });
        text.append(svg('tspan', { class: 'namespace-kind' }, 'namespace '));
        const name = svg('tspan', { class: 'namespace-name' });
        text.append(name);
        g.append(box, text);
        parts = { g, box, name };
        namespaces.set(ns.name, parts);
      }
      els.push(parts.g);
      if (parts.drawn === ns) continue;
      parts.drawn = ns;
      setText(parts.name, ns.name);
      setAttrs(parts.g, { transform: `translate(${ns.x},${ns.y})` });
      setAttrs(parts.box, { width: ns.width, height: ns.height });
    }
    for (const name of [...namespaces.keys()]) if (!seen.has(name)) namespaces.delete(name);
    syncChildren(namespaceLayer, els);
  }

  function drawNodes(list: readonly GraphNode[]): void {
    if (!layout) return;
    const els: SVGGElement[] = [];
    const seen = new Set<string>();
    for (const node of [...list].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const box = layout.nodes.get(node.id);
      if (!box) continue;
      seen.add(node.id);
      let parts = nodes.get(node.id);
      if (!parts || parts.kind !== node.kind) {
        const g = svg('g', { 'data-node-id': node.id, role: 'img' });
        const title = svg('title');
        const rect = svg('rect', { class: 'node-box', rx: 8 });
        const icon = svg('g', { class: 'node-icon', 'aria-hidden': 'true' });
        icon.append(...kindIcon(node.kind));
        const label = svg('text', { class: 'node-label', x: 44, y: 20 });
        const sub = svg('text', { class: 'node-sub', x: 44, y: 36 });
        g.append(title, rect, icon, label, sub);
        parts = { g, title, box: rect, icon, label, sub, kind: node.kind };
        nodes.set(node.id, parts);
      }
      els.push(parts.g);
      // Boxes are kept while the layout is (see layout.ts), so an unmoved node has the same box.
      if (parts.drawn && parts.drawn.box === box && sameNode(parts.drawn.node, node)) continue;
      parts.drawn = { node, box };
      const name = nodeName(node);
      const sub = subtitle(node);
      const tooltip = nodeTooltip(node);
      setAttrs(parts.g, {
        class: `node node--${node.kind}`,
        transform: `translate(${box.x},${box.y})`,
        'aria-label': sub ? `${name}, ${sub}` : name,
      });
      setAttrs(parts.box, { width: box.width, height: box.height });
      setAttrs(parts.icon, { transform: `translate(12,${fmt((box.height - 24) / 2)})` });
      setText(parts.title, tooltip);
      setText(parts.label, truncate(node.label, MAX_LABEL_CHARS));
      setText(parts.sub, sub);
      setAttrs(parts.label, { y: sub ? 20 : 28 });
    }
    for (const id of [...nodes.keys()]) if (!seen.has(id)) nodes.delete(id);
    syncChildren(nodeLayer, els);
  }

  function makeEdge(edge: GraphEdge): EdgeParts {
    const g = svg('g', { 'data-edge-id': edge.id, tabindex: 0, role: 'button' });
    const title = svg('title');
    const hit = svg('path', { class: 'edge-hit' });
    const line = svg('path', { class: 'edge-line' });
    const labelGroup = svg('g', { class: 'edge-label' });
    const labelBg = svg('rect', { class: 'edge-label-bg', rx: 4 });
    const port = svg('text', { class: 'edge-port', 'text-anchor': 'middle' });
    const l7 = svg('text', { class: 'edge-l7', 'text-anchor': 'middle' });
    labelGroup.append(labelBg, port, l7);
    const flip = svg('g', { class: 'edge-flip' });
    flip.append(
      svg('circle', { r: 7, class: 'edge-flip-mark' }),
      svg('text', { y: 3.5, 'text-anchor': 'middle', class: 'edge-flip-text' }, '!'),
    );
    g.append(title, hit, line, labelGroup, flip);
    return { g, title, hit, line, labelGroup, labelBg, port, l7, flip, edge };
  }

  function visibleEdges(d: GraphData): GraphEdge[] {
    return d.edges
      .filter((e) => edgeVisible(e, mode))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The last routes computed, and what they were computed for (layout and edge ends). */
  let routed: { layout: GraphLayout; ends: string; routes: Map<string, EdgeRoute> } | null = null;

  function routesFor(list: readonly GraphEdge[], current: GraphLayout): Map<string, EdgeRoute> {
    const ends = list.map((e) => `${e.id}\0${e.from}\0${e.to}`).join('\n');
    if (routed?.layout !== current || routed.ends !== ends)
      routed = { layout: current, ends, routes: routeEdges(list, current.nodes) };
    return routed.routes;
  }

  function drawEdges(list: readonly GraphEdge[]): void {
    if (!layout) return;
    const routes = routesFor(list, layout);
    const els: SVGGElement[] = [];
    const seen = new Set<string>();
    for (const edge of list) {
      const route = routes.get(edge.id);
      if (!route) continue;
      seen.add(edge.id);
      let parts = edges.get(edge.id);
      if (!parts) {
        parts = makeEdge(edge);
        edges.set(edge.id, parts);
      }
      parts.edge = edge;
      els.push(parts.g);
      // Routes are kept while the layout and the edge ends are (see routesFor).
      const drawn = {
        edge,
        route,
        selected: edge.id === selectedId,
        from: nameOf(edge.from),
        to: nameOf(edge.to),
      };
      const last = parts.drawn;
      if (
        last &&
        last.route === route &&
        last.selected === drawn.selected &&
        last.from === drawn.from &&
        last.to === drawn.to &&
        sameEdge(last.edge, edge)
      )
        continue;
      parts.drawn = drawn;
      const description = edgeDescription(edge, nameOf);
      const classes = edgeClasses(edge, drawn.selected).join(' ');
      const portLine = edgeLabel(edge);
      const l7Full = edgeL7(edge) ?? '';
      const l7Line = truncate(l7Full, L7_CHARS);
      setAttrs(parts.g, {
        class: classes,
        'aria-label': description,
        'aria-pressed': edge.id === selectedId ? 'true' : 'false',
      });
      setText(parts.title, description);
      setAttrs(parts.hit, { d: route.d });
      setAttrs(parts.line, { d: route.d, 'marker-end': `url(#${markerId(edge.verdict)})` });
      const width = Math.max(portLine.length, l7Line.length) * LABEL_CHAR + 10;
      const height = l7Line ? 28 : 16;
      setAttrs(parts.labelGroup, {
        transform: `translate(${fmt(route.label.x)},${fmt(route.label.y)})`,
      });
      setAttrs(parts.labelBg, {
        x: fmt(-width / 2),
        y: fmt(-height / 2),
        width: fmt(width),
        height,
      });
      setText(parts.port, portLine);
      setAttrs(parts.port, { y: l7Line ? -2.5 : 4 });
      setText(parts.l7, l7Line);
      setAttrs(parts.l7, { y: 10.5 });
      parts.l7.style.display = l7Line ? '' : 'none';
      parts.flip.style.display = edge.flipped ? '' : 'none';
      setAttrs(parts.flip, {
        transform: `translate(${fmt(route.label.x - width / 2 - 9)},${fmt(route.label.y)})`,
      });
    }
    for (const id of [...edges.keys()]) if (!seen.has(id)) edges.delete(id);
    syncChildren(edgeLayer, els);
  }

  /** What the change list was last drawn from. */
  let drawnChanges = '';
  const changeItems = new Map<string, HTMLLIElement>();

  function drawChanges(d: GraphData): void {
    const list = d.changes ?? [];
    const shown = list.slice(0, MAX_CHANGES).map((c) => ({
      change: c,
      what: `${c.after === 'allowed' ? 'now allowed' : 'now denied'}: ${nameOf(c.from)} → ${nameOf(c.to)} ${c.port}/${c.protocol}${c.l7 ? ` ${c.l7}` : ''}`,
      edge: d.edges.find((e) => e.id === c.edge),
    }));
    const key = [
      list.length,
      ...shown.map(({ change, what, edge }) => `${change.after}\0${what}\0${edge?.id ?? ''}`),
    ].join('\n');
    if (key === drawnChanges) return;
    drawnChanges = key;
    changesBox.hidden = list.length === 0;
    const allowed = list.filter((c) => c.after === 'allowed').length;
    setText(
      changesTitle,
      `The last edit newly allows ${allowed} and newly denies ${list.length - allowed}:`,
    );
    // Items are kept by what they say: an edit and its undo swap two lists back and forth.
    if (changeItems.size > 4 * MAX_CHANGES) changeItems.clear();
    const items = shown.map(({ change, what, edge }) => {
      const itemKey = `${change.after}\0${what}\0${edge?.id ?? ''}`;
      const kept = changeItems.get(itemKey);
      if (kept) return kept;
      const li = html('li', { class: `fg-change fg-change--${change.after}` });
      if (edge) {
        const button = html('button', { type: 'button', class: 'fg-change-select' }, what);
        // The newest drawing's edge of that id, not the one this item was made for.
        button.addEventListener(
          'click',
          () => select(data?.edges.find((e) => e.id === edge.id) ?? edge),
          { signal },
        );
        li.append(button);
      } else li.textContent = what;
      changeItems.set(itemKey, li);
      return li;
    });
    if (list.length > MAX_CHANGES)
      items.push(html('li', {}, `… and ${list.length - MAX_CHANGES} more`));
    syncChildren(changesList, items);
  }

  function draw(next: GraphLayout, d: GraphData): void {
    const keyChanged = layout?.key !== next.key;
    layout = next;
    names = new Map(d.nodes.map((n) => [n.id, nodeName(n)]));
    const shown = visibleEdges(d);
    drawNamespaces();
    drawNodes(d.nodes);
    drawEdges(shown);
    edgeTable.update(shown, nameOf, selectedId);
    drawChanges(d);
    setAttrs(region, {
      'data-version': d.version,
      'data-mode': mode,
      class: `flow-graph fg-mode-${mode}`,
    });
    if (d.nodes.length === 0) setText(status, 'Nothing to show yet: the cluster has no workloads.');
    else if (shown.length === 0)
      setText(
        status,
        mode === 'observed'
          ? 'No traffic observed yet. Generate some, or show possible edges.'
          : 'No edges to show.',
      );
    else setText(status, '');
    setState('ready');
    if (needsFit || (keyChanged && !interacted)) fit();
  }

  /** A render is waiting for its layout. */
  let rendering = false;

  async function render(): Promise<void> {
    const d = data;
    if (!d) return;
    const seq = ++renderSeq;
    if (!layout) setState('loading');
    rendering = true;
    try {
      const next = await layouter.layout(d);
      if (seq !== renderSeq || signal.aborted) return;
      draw(next, d);
    } catch (error: unknown) {
      if (seq !== renderSeq || signal.aborted) return;
      setState('error');
      setText(
        status,
        `The graph could not be laid out: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      if (seq === renderSeq) rendering = false;
    }
  }

  function refreshSelection(): void {
    for (const parts of edges.values()) {
      const selected = parts.edge.id === selectedId;
      parts.g.classList.toggle('is-selected', selected);
      setAttrs(parts.g, { 'aria-pressed': selected ? 'true' : 'false' });
    }
    if (data) edgeTable.update(visibleEdges(data), nameOf, selectedId);
  }

  function select(edge: GraphEdge): void {
    selectedId = edge.id;
    refreshSelection();
    options.onSelectEdge?.(edge);
  }

  function setMode(next: GraphMode): void {
    if (next === mode) return;
    mode = next;
    const radio = radios.get(next);
    if (radio && !radio.checked) radio.checked = true;
    void render();
  }

  // --- Events --------------------------------------------------------------------------------

  modes.addEventListener(
    'change',
    (event) => {
      const value = (event.target as HTMLInputElement).value;
      if (isGraphMode(value)) setMode(value);
    },
    { signal },
  );

  const zoomCenter = (factor: number) =>
    zoomAt(drawing.clientWidth / 2, drawing.clientHeight / 2, factor);
  zoomIn.addEventListener('click', () => zoomCenter(1.25), { signal });
  zoomOut.addEventListener('click', () => zoomCenter(0.8), { signal });
  fitButton.addEventListener(
    'click',
    () => {
      interacted = false;
      fit();
    },
    { signal },
  );

  tableToggle.addEventListener(
    'click',
    () => {
      const showTable = tableBox.hidden;
      tableBox.hidden = !showTable;
      canvas.hidden = showTable;
      zoom.hidden = showTable;
      hint.hidden = showTable;
      setAttrs(tableToggle, { 'aria-pressed': showTable ? 'true' : 'false' });
      if (!showTable && needsFit) fit();
    },
    { signal },
  );

  drawing.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const rect = drawing.getBoundingClientRect();
      const scale = event.deltaMode === 1 ? 0.05 : event.deltaMode === 2 ? 1 : 0.0015;
      zoomAt(event.clientX - rect.left, event.clientY - rect.top, Math.exp(-event.deltaY * scale));
    },
    { signal, passive: false },
  );

  let drag: { id: number; x: number; y: number; view: View; moved: boolean } | null = null;
  let swallowClick = false;
  drawing.addEventListener(
    'pointerdown',
    (event) => {
      if (event.button !== 0 || !event.isPrimary) return;
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY, view, moved: false };
    },
    { signal },
  );
  drawing.addEventListener(
    'pointermove',
    (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved) {
        if (Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
        drag.moved = true;
        drawing.setPointerCapture(drag.id);
        drawing.classList.add('is-panning');
      }
      view = { ...drag.view, x: drag.view.x + dx, y: drag.view.y + dy };
      interacted = true;
      applyView();
    },
    { signal },
  );
  const endDrag = (event: PointerEvent) => {
    if (!drag || event.pointerId !== drag.id) return;
    if (drag.moved) {
      swallowClick = event.type === 'pointerup';
      if (drawing.hasPointerCapture(drag.id)) drawing.releasePointerCapture(drag.id);
      drawing.classList.remove('is-panning');
    }
    drag = null;
  };
  drawing.addEventListener('pointerup', endDrag, { signal });
  drawing.addEventListener('pointercancel', endDrag, { signal });
  drawing.addEventListener(
    'click',
    (event) => {
      // The click that ends a pan does not select what the pointer happens to be on.
      if (swallowClick) {
        swallowClick = false;
        event.stopPropagation();
        event.preventDefault();
      }
    },
    { signal, capture: true },
  );
  // A press that did not become a pan leaves no click to swallow behind.
  drawing.addEventListener('pointerdown', () => (swallowClick = false), { signal, capture: true });

  const edgeFrom = (target: EventTarget | null): GraphEdge | undefined => {
    const g = target instanceof Element ? target.closest<SVGGElement>('[data-edge-id]') : null;
    const id = g?.getAttribute('data-edge-id');
    return id ? edges.get(id)?.edge : undefined;
  };
  edgeLayer.addEventListener(
    'click',
    (event) => {
      const edge = edgeFrom(event.target);
      if (edge) select(edge);
    },
    { signal },
  );
  edgeLayer.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      const edge = edgeFrom(event.target);
      if (!edge) return;
      event.preventDefault();
      select(edge);
    },
    { signal },
  );

  const resize =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => {
          if (!interacted || needsFit) fit();
        });
  resize?.observe(drawing);

  return {
    update(next, opts) {
      const before = data;
      data = next;
      let modeChanged = false;
      if (opts && opts.mode !== mode) {
        mode = opts.mode;
        modeChanged = true;
        const radio = radios.get(mode);
        if (radio) radio.checked = true;
      }
      if (!before || !sameFlows(before.flows, next.flows)) flowTable?.update(next.flows);
      // Nothing new to draw (an edit to a comment, say): the drawing on screen stays, unless a
      // render for older data is still on its way.
      if (before && layout && !modeChanged && !rendering && sameDrawing(before, next))
        return Promise.resolve();
      return render();
    },
    fit() {
      interacted = false;
      fit();
    },
    selectEdge(id) {
      if (!data || !visibleEdges(data).some((e) => e.id === id)) return false;
      selectedId = id;
      refreshSelection();
      return true;
    },
    selectFlow(seq) {
      return flowTable?.select(seq) ?? false;
    },
    dispose() {
      renderSeq++;
      abort.abort();
      resize?.disconnect();
      flowTable?.dispose();
      panel.remove();
      nodes.clear();
      edges.clear();
      namespaces.clear();
    },
  };
}
