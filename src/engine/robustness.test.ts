/**
 * Bad input is normal input: whatever text arrives, the engine answers with diagnostics and never
 * throws, and every diagnostic points inside the file it names.
 *
 * | case                     | input                                                      |
 * |--------------------------|------------------------------------------------------------|
 * | real-world shapes        | kubectl List dumps (YAML and JSON), Helm output, CRDs,      |
 * |                          | scalars, top-level lists, anchors, empty documents         |
 * | random damage            | fast-check mutations of a valid scenario                   |
 * | a huge paste             | thousands of documents                                     |
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Engine } from './engine.ts';
import type { SourceFile } from './types.ts';

const CLUSTER = readFileSync('examples/flask-postgres/cluster.yaml', 'utf8');
const POLICY = readFileSync('examples/flask-postgres/lock-db.yaml', 'utf8');

function loadAndCheck(files: SourceFile[]): Engine {
  const engine = new Engine();
  expect(() => engine.load(files)).not.toThrow();
  for (const d of engine.diagnostics) {
    const f = files.find((x) => x.name === d.range.file);
    expect(f, `diagnostic names a known file: ${d.message}`).toBeDefined();
    const lines = f!.text.split('\n').length;
    expect(d.range.startLine).toBeGreaterThanOrEqual(1);
    expect(d.range.startLine).toBeLessThanOrEqual(lines + 1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  return engine;
}

const SHAPES: [string, string][] = [
  [
    'kubectl get -o yaml List',
    `apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a, namespace: x, labels: {app: a}, uid: 1b2c, creationTimestamp: "2026-01-01T00:00:00Z"}
    spec: {containers: [{name: c, image: nginx}]}
    status: {podIP: 10.244.1.77, phase: Running}
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny, namespace: x, managedFields: [{manager: kubectl}]}
    spec: {podSelector: {}}
`,
  ],
  [
    'kubectl get -o json List',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'j' } },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'c', namespace: 'j' },
          data: { a: '1' },
        },
      ],
    }),
  ],
  [
    'Helm output',
    `---
# Source: chart/templates/sa.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
# Source: chart/templates/empty.yaml
---
# Source: chart/templates/hpa.yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec: {minReplicas: 1}
`,
  ],
  ['a scalar', 'just some text'],
  ['a top-level list', '- a\n- b\n'],
  ['missing kind', 'apiVersion: v1\nmetadata: {name: x}\n'],
  ['missing apiVersion', 'kind: Pod\nmetadata: {name: x}\n'],
  [
    'wrong apiVersion',
    'apiVersion: cilium.io/v1\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {}\n',
  ],
  ['anchors', 'base: &b {app: x}\nother: *b\n'],
  [
    'a billion laughs',
    `a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n`,
  ],
  ['tabs', 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n'],
  ['duplicate keys', 'apiVersion: v1\nkind: Pod\nkind: Service\nmetadata: {name: x}\n'],
  [
    'null spec',
    'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: n}\nspec:\n',
  ],
  [
    'wrong types everywhere',
    'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: n, labels: [1]}\nspec: {endpointSelector: 3, ingress: {a: b}, egress: "x"}\n',
  ],
  [
    'workload with junk',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: "many", template: {metadata: {labels: [x]}, spec: {containers: 5}}}\n',
  ],
  ['empty file', ''],
  ['binary-ish', '\u0000\u0001\u0002 key: : : value\n'],
];

describe('real-world shapes never throw', () => {
  test.each(SHAPES)('%s', (_name, text) => {
    loadAndCheck([{ name: 'input.yaml', text }]);
  });

  test('a List dump applies its items', () => {
    const engine = loadAndCheck([{ name: 'dump.yaml', text: SHAPES[0]![1] }]);
    expect(engine.cluster.pods.find((p) => p.name === 'a')?.ip).toBe('10.244.1.77');
    expect(engine.policies.map((p) => p.key)).toEqual(['NetworkPolicy/x/deny']);
  });

  test('other kinds are listed as ignored, not errors', () => {
    const engine = loadAndCheck([{ name: 'helm.yaml', text: SHAPES[2]![1] }]);
    expect(engine.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(engine.cluster.ignored.map((i) => i.kind)).toEqual(['HorizontalPodAutoscaler']);
  });
});

describe('random damage never throws', () => {
  const edit = fc.oneof(
    fc.record({
      op: fc.constant('delete' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 20 }),
    }),
    fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.constantFrom(
        ':',
        '- ',
        '{',
        '}',
        '[',
        '"',
        "'",
        '\n',
        '\t',
        '  ',
        '---\n',
        '&a ',
        '*a',
        '#',
        '0x1F',
        'null',
        '~',
        '!!binary ',
      ),
    }),
    fc.record({
      op: fc.constant('dup' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 80 }),
    }),
  );
  test('fast-check: 300 damaged scenarios', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        let text = CLUSTER + '\n---\n' + POLICY;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          if (e.op === 'delete') text = text.slice(0, at) + text.slice(at + e.len);
          else if (e.op === 'insert') text = text.slice(0, at) + e.text + text.slice(at);
          else text = text.slice(0, at) + text.slice(at, at + e.len) + text.slice(at);
        }
        const engine = loadAndCheck([{ name: 'damaged.yaml', text }]);
        // Probing whatever survived must not throw either.
        const pods = engine.cluster.pods;
        if (pods.length >= 2) {
          const [a, b] = [pods[0]!, pods[pods.length - 1]!];
          expect(() =>
            engine.probe({
              id: 'p',
              from: `${a.namespace}/${a.name}`,
              to: `${b.namespace}/${b.name}`,
              port: 80,
            }),
          ).not.toThrow();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a huge paste', () => {
  test('3,000 documents load', () => {
    const docs: string[] = [];
    for (let i = 0; i < 1500; i++) {
      docs.push(
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: n${i % 30}, labels: {app: a${i % 50}}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}`,
      );
      docs.push(
        `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c${i}, namespace: n${i % 30}}\nspec: {endpointSelector: {matchLabels: {app: a${i % 50}}}, ingress: [{fromEndpoints: [{matchLabels: {app: a${(i + 1) % 50}}}]}]}`,
      );
    }
    const engine = loadAndCheck([{ name: 'huge.yaml', text: docs.join('\n---\n') }]);
    expect(engine.policies.length).toBe(1500);
    expect(engine.cluster.pods.filter((p) => p.namespace.startsWith('n')).length).toBe(1500);
  });
});
