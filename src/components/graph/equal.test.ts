import { describe, expect, test } from 'vitest';
import type { GraphData, GraphEdge } from '../../sim/graph-types.ts';
import { sameDrawing, sameFlows } from './equal.ts';

const edge = (over: Partial<GraphEdge> = {}): GraphEdge => ({
  id: 'a|b|80/TCP|possible',
  from: 'a',
  to: 'b',
  port: 80,
  protocol: 'TCP',
  verdict: 'allowed',
  source: 'possible',
  l7: [],
  count: 0,
  flipped: false,
  policies: [],
  ...over,
});

const data = (edges: GraphEdge[], over: Partial<GraphData> = {}): GraphData => ({
  version: 1,
  nodes: [
    {
      id: 'a',
      kind: 'workload',
      namespace: 'ns',
      label: 'a',
      pods: ['ns/a-1'],
      labels: { app: 'a' },
    },
    {
      id: 'b',
      kind: 'workload',
      namespace: 'ns',
      label: 'b',
      pods: ['ns/b-1'],
      labels: { app: 'b' },
    },
  ],
  edges,
  flows: [],
  flowsKey: 'none',
  changes: [],
  ...over,
});

describe('sameDrawing', () => {
  test('equal data built separately draws the same', () => {
    expect(sameDrawing(data([edge()]), data([edge()]))).toBe(true);
  });
  test.each<[string, GraphData]>([
    ['a verdict', data([edge({ verdict: 'denied' })])],
    ['a flip mark', data([edge({ flipped: true })])],
    ['an L7 summary', data([edge({ l7: ['GET / 200'] })])],
    ['a count', data([edge({ count: 2 })])],
    ['a deciding policy', data([edge({ policies: ['CiliumNetworkPolicy ns/p'] })])],
    ['another edge', data([edge(), edge({ id: 'b|a|80/TCP|possible', from: 'b', to: 'a' })])],
    ['the version', data([edge()], { version: 2 })],
    [
      'the list of changes',
      data([edge()], {
        changes: [
          {
            from: 'a',
            to: 'b',
            port: 80,
            protocol: 'TCP',
            before: 'denied',
            after: 'allowed',
            edge: 'a|b|80/TCP|possible',
          },
        ],
      }),
    ],
    [
      'a node label',
      data([edge()], {
        nodes: [
          { id: 'a', kind: 'workload', namespace: 'ns', label: 'a', pods: ['ns/a-1'], labels: {} },
          {
            id: 'b',
            kind: 'workload',
            namespace: 'ns',
            label: 'b',
            pods: ['ns/b-1'],
            labels: { app: 'b' },
          },
        ],
      }),
    ],
  ])('differs when %s changes', (_, other) => {
    expect(sameDrawing(data([edge()]), other)).toBe(false);
  });
});

describe('sameFlows', () => {
  const row = (seq: number) => ({
    seq,
    time: '',
    source: '',
    destination: '',
    port: 80,
    protocol: 'TCP',
    type: '',
    verdict: '',
    summary: '',
    policies: [],
  });
  test('rows compare by sequence number', () => {
    expect(sameFlows([row(1), row(2)], [row(1), row(2)])).toBe(true);
    expect(sameFlows([row(1), row(2)], [row(2), row(3)])).toBe(false);
    expect(sameFlows([row(1)], [row(1), row(2)])).toBe(false);
  });
});
