import { describe, expect, it } from 'vitest';
import type { GraphEdge } from '../../sim/graph-types.ts';
import {
  clipToBox,
  edgeClasses,
  edgeDescription,
  edgeLabel,
  edgeVisible,
  nodeName,
  portText,
  routeEdges,
  truncate,
} from './edges.ts';
import type { Rect } from './layout.ts';

function edge(over: Partial<GraphEdge> = {}): GraphEdge {
  const e: GraphEdge = {
    id: '',
    from: 'a',
    to: 'b',
    port: 5432,
    protocol: 'TCP',
    verdict: 'allowed',
    source: 'observed',
    l7: [],
    count: 3,
    flipped: false,
    policies: [],
    ...over,
  };
  return { ...e, id: over.id ?? `${e.from}|${e.to}|${e.port}/${e.protocol}|${e.source}` };
}

describe('edge styling', () => {
  it('colours by verdict, dashes possible edges and marks flipped ones', () => {
    expect(edgeClasses(edge())).toEqual(['edge', 'edge--allowed', 'edge--observed']);
    expect(edgeClasses(edge({ verdict: 'denied' }))).toContain('edge--denied');
    expect(edgeClasses(edge({ verdict: 'l7-denied' }))).toContain('edge--l7-denied');
    expect(edgeClasses(edge({ source: 'possible', flipped: true }))).toEqual([
      'edge',
      'edge--allowed',
      'edge--possible',
      'edge--flipped',
    ]);
    expect(edgeClasses(edge(), true)).toContain('is-selected');
  });

  it('keeps edges by view mode', () => {
    const seen = edge();
    const possible = edge({ source: 'possible' });
    expect([seen, possible].filter((e) => edgeVisible(e, 'observed'))).toEqual([seen]);
    expect([seen, possible].filter((e) => edgeVisible(e, 'possible'))).toEqual([possible]);
    expect([seen, possible].filter((e) => edgeVisible(e, 'both'))).toEqual([seen, possible]);
  });

  it('labels ports, counts and nodes', () => {
    expect(portText(edge())).toBe('5432/TCP');
    expect(portText(edge({ port: 0, protocol: 'UDP' }))).toBe('any UDP');
    expect(edgeLabel(edge())).toBe('5432/TCP ×3');
    expect(edgeLabel(edge({ source: 'possible', count: 0 }))).toBe('5432/TCP');
    expect(nodeName({ namespace: 'db', label: 'postgres' })).toBe('db/postgres');
    expect(nodeName({ label: 'world' })).toBe('world');
    expect(truncate('GET /a/very/long/path 200', 10)).toBe('GET /a/ve…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('describes an edge in words', () => {
    const names = (id: string) => ({ a: 'dummy/debug', b: 'db/flask-app' })[id] ?? id;
    expect(
      edgeDescription(
        edge({
          verdict: 'l7-denied',
          l7: ['POST /login 403', 'GET / 200'],
          policies: ['CiliumNetworkPolicy db/flask-get-only'],
        }),
        names,
      ),
    ).toBe(
      'dummy/debug to db/flask-app, 5432/TCP, denied at L7, observed 3 times, last POST /login 403, decided by CiliumNetworkPolicy db/flask-get-only',
    );
    expect(
      edgeDescription(edge({ source: 'possible', verdict: 'denied', flipped: true }), names),
    ).toBe(
      'dummy/debug to db/flask-app, 5432/TCP, denied, possible under the current policies, verdict changed with the last edit',
    );
  });
});

describe('edge routes', () => {
  const boxes = new Map<string, Rect>([
    ['a', { x: 0, y: 0, width: 100, height: 40 }],
    ['b', { x: 300, y: 0, width: 100, height: 40 }],
    ['c', { x: 150, y: 200, width: 100, height: 40 }],
  ]);

  it('clips lines to the box border', () => {
    const box = { x: 0, y: 0, width: 100, height: 40 };
    expect(clipToBox(box, { x: 300, y: 20 })).toEqual({ x: 100, y: 20 });
    expect(clipToBox(box, { x: 50, y: -100 })).toEqual({ x: 50, y: 0 });
    expect(clipToBox(box, { x: 50, y: 20 })).toEqual({ x: 50, y: 20 });
  });

  it('draws a lone edge straight, from border to border', () => {
    const routes = routeEdges([edge()], boxes);
    expect(routes.get('a|b|5432/TCP|observed')).toEqual({
      d: 'M100,20 Q200,20 300,20',
      label: { x: 200, y: 20 },
    });
  });

  it('fans out parallel and opposite edges so that none hides another', () => {
    const list = [
      edge(),
      edge({ port: 80 }),
      edge({ from: 'b', to: 'a' }),
      edge({ source: 'possible' }),
    ];
    const routes = routeEdges(list, boxes);
    const labels = list.map((e) => routes.get(e.id)!.label);
    expect(new Set(labels.map((p) => `${p.x},${p.y}`)).size).toBe(list.length);
    // Evenly spread around the straight line.
    const ys = labels.map((p) => p.y).sort((x, y) => x - y);
    expect(ys[0]! + ys[3]!).toBeCloseTo(40);
  });

  it('bends around a node standing between the ends', () => {
    const blocked = new Map(boxes);
    blocked.set('m', { x: 170, y: 0, width: 60, height: 40 });
    const route = routeEdges([edge()], blocked).get('a|b|5432/TCP|observed')!;
    expect(route.d).not.toBe('M100,20 Q200,20 300,20');
    const { y } = route.label;
    expect(y < 0 - 6 || y > 40 + 6).toBe(true);
  });

  it("keeps an edge's curve when unrelated edges come and go", () => {
    const ab = edge();
    const alone = routeEdges([ab], boxes).get(ab.id);
    const crowded = routeEdges(
      [ab, edge({ from: 'a', to: 'c' }), edge({ from: 'c', to: 'b', verdict: 'denied' })],
      boxes,
    ).get(ab.id);
    expect(crowded).toEqual(alone);
  });

  it('loops edges within one workload and skips edges to unknown nodes', () => {
    const routes = routeEdges([edge({ to: 'a' }), edge({ to: 'nowhere' })], boxes);
    expect(routes.size).toBe(1);
    expect(routes.get('a|a|5432/TCP|observed')!.d).toMatch(/^M\S+ C/);
  });
});
