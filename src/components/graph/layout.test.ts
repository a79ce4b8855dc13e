import { describe, expect, it } from 'vitest';
import type { GraphData, GraphEdge, GraphNode } from '../../sim/graph-types.ts';
import {
  GraphLayouter,
  layoutKey,
  layoutPairs,
  loadElk,
  nodeWidth,
  type GraphLayout,
  type Rect,
} from './layout.ts';
import { externalApi, getOnly, lockDb, openCluster } from './sample.ts';

function positions(layout: GraphLayout): Record<string, Rect> {
  return Object.fromEntries(
    [...layout.nodes.values()].map(({ id, x, y, width, height }) => [id, { x, y, width, height }]),
  );
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

function edge(from: string, to: string, source: GraphEdge['source'] = 'observed'): GraphEdge {
  return {
    id: `${from}|${to}|80/TCP|${source}`,
    from,
    to,
    port: 80,
    protocol: 'TCP',
    verdict: 'allowed',
    source,
    l7: [],
    count: 1,
    flipped: false,
    policies: [],
  };
}

/** Counts the layouts ELK really computes. */
function countingLayouter(): { layouter: GraphLayouter; runs: () => number } {
  let runs = 0;
  const layouter = new GraphLayouter(async () => {
    const elk = await loadElk();
    const layout = elk.layout.bind(elk);
    elk.layout = ((graph, args) => {
      runs++;
      return layout(graph, args);
    }) as typeof elk.layout;
    return elk;
  });
  return { layouter, runs: () => runs };
}

describe('layout', () => {
  it('puts workloads inside their namespace boxes and everything else outside', async () => {
    const data = getOnly();
    const layout = await new GraphLayouter().layout(data);
    expect(layout.namespaces.map((n) => n.name)).toEqual(['db', 'dummy', 'kube-system']);
    for (const node of data.nodes) {
      const box = layout.nodes.get(node.id);
      expect(box, node.id).toBeDefined();
      expect(box!.width).toBe(nodeWidth(node));
      for (const ns of layout.namespaces)
        expect(contains(ns, box!), `${node.id} in ${ns.name}`).toBe(ns.name === node.namespace);
    }
    const boxes = [...layout.nodes.values()];
    for (const a of boxes)
      for (const b of boxes) if (a !== b) expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
    for (const r of [...boxes, ...layout.namespaces]) {
      expect(r.x + r.width).toBeLessThanOrEqual(layout.width);
      expect(r.y + r.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('keeps every position when only the edges change', async () => {
    const { layouter, runs } = countingLayouter();
    const first = await layouter.layout(getOnly());
    // Other verdicts, counts, L7 summaries, fewer and more edges: the same node set.
    const others: GraphData[] = [openCluster(), lockDb(), { ...getOnly(), edges: [] }];
    others.push({ ...getOnly(), edges: [edge('world', 'workload:db/postgres')] });
    for (const data of others)
      expect(positions(await layouter.layout(data))).toEqual(positions(first));
    expect(runs()).toBe(1);
  });

  it('lays out the same node set the same way whatever the input order', async () => {
    const data = getOnly();
    const a = await new GraphLayouter().layout(data);
    const shuffled = {
      ...data,
      nodes: [...data.nodes].reverse(),
      edges: [...data.edges].reverse(),
    };
    const b = await new GraphLayouter().layout(shuffled);
    expect(positions(b)).toEqual(positions(a));
    expect(b.key).toBe(a.key);
  });

  it('does not let observed traffic between workloads shape the layout', async () => {
    const base = getOnly();
    const a = await new GraphLayouter().layout(base);
    const b = await new GraphLayouter().layout({
      ...base,
      edges: base.edges.filter((e) => e.source === 'possible' || e.from === 'world'),
    });
    expect(positions(b)).toEqual(positions(a));
  });

  it('lays out again when the node set changes, and remembers earlier node sets', async () => {
    const { layouter, runs } = countingLayouter();
    const before = await layouter.layout(getOnly());
    const after = await layouter.layout(externalApi());
    expect(after.key).not.toBe(before.key);
    expect(after.nodes.has('fqdn:api.github.com')).toBe(true);
    expect(runs()).toBe(2);
    const back = await layouter.layout(lockDb());
    expect(positions(back)).toEqual(positions(before));
    expect(runs()).toBe(2);
  });

  it('shares one computation between concurrent requests for a node set', async () => {
    const { layouter, runs } = countingLayouter();
    const [a, b] = await Promise.all([layouter.layout(getOnly()), layouter.layout(openCluster())]);
    expect(a).toBe(b);
    expect(runs()).toBe(1);
  });

  it('forgets a failed layout so that the next request tries again', async () => {
    let attempts = 0;
    const layouter = new GraphLayouter(async () => {
      attempts++;
      if (attempts === 1) throw new Error('no layout engine');
      return loadElk();
    });
    await expect(layouter.layout(getOnly())).rejects.toThrow('no layout engine');
    const layout = await layouter.layout(getOnly());
    expect(layout.nodes.size).toBe(getOnly().nodes.length);
  });

  it('lays out an empty graph', async () => {
    const layout = await new GraphLayouter().layout({ nodes: [], edges: [] });
    expect(layout.nodes.size).toBe(0);
    expect(layout.namespaces).toEqual([]);
  });
});

describe('layoutKey', () => {
  const nodes: GraphNode[] = getOnly().nodes;

  it('ignores order, pods and labels but not ids, namespaces or box sizes', () => {
    const key = layoutKey(nodes);
    expect(layoutKey([...nodes].reverse())).toBe(key);
    expect(layoutKey(nodes.map((n) => ({ ...n, pods: [], labels: {} })))).toBe(key);
    expect(layoutKey(nodes.slice(1))).not.toBe(key);
    expect(layoutKey(nodes.map((n, i) => (i === 0 ? { ...n, namespace: 'other' } : n)))).not.toBe(
      key,
    );
    const longer = nodes.map((n, i) =>
      i === 0 ? { ...n, label: `${n.label}-with-a-long-name` } : n,
    );
    expect(layoutKey(longer)).not.toBe(key);
  });
});

describe('layoutPairs', () => {
  const nodes = getOnly().nodes;

  it('uses possible edges, and observed ones only to nodes they miss, once per pair', () => {
    const pairs = layoutPairs(nodes, [
      edge('world', 'workload:db/flask-app'),
      edge('workload:dummy/debug', 'workload:db/postgres'),
      edge('workload:dummy/debug', 'workload:db/postgres', 'possible'),
      edge('workload:db/debug', 'workload:db/postgres', 'possible'),
      { ...edge('workload:db/debug', 'workload:db/postgres', 'possible'), port: 443 },
      edge('workload:db/debug', 'workload:dummy/debug'),
    ]);
    expect(pairs).toEqual([
      ['workload:db/debug', 'workload:db/postgres'],
      ['workload:dummy/debug', 'workload:db/postgres'],
      ['world', 'workload:db/flask-app'],
    ]);
  });

  it('falls back to observed edges, skipping loops and unknown nodes', () => {
    const pairs = layoutPairs(nodes, [
      edge('world', 'workload:db/flask-app'),
      edge('workload:db/flask-app', 'workload:db/flask-app'),
      edge('workload:db/flask-app', 'fqdn:missing.example'),
    ]);
    expect(pairs).toEqual([['world', 'workload:db/flask-app']]);
  });
});
