/** The JSONPath subset of `kubectl get -o jsonpath=...`. */
import { describe, expect, test } from 'vitest';
import { evaluatePath, JsonPathError, renderTemplate } from './jsonpath.ts';

const LIST = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'shop' } },
      spec: {
        nodeName: 'kind-worker',
        containers: [{ name: 'c', ports: [{ containerPort: 80 }] }],
      },
      status: { podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'True' }] },
    },
    {
      metadata: { name: 'db', labels: { app: 'db' } },
      spec: { nodeName: 'kind-worker2', containers: [{ name: 'pg' }] },
      status: { podIP: '10.244.2.9', conditions: [{ type: 'Ready', status: 'False' }] },
    },
  ],
};

describe('renderTemplate', () => {
  test.each([
    ['{.items[0].metadata.name}', 'web'],
    ['{.items[*].status.podIP}', '10.244.1.5 10.244.2.9'],
    ['{.items[-1].metadata.name}', 'db'],
    ['{.items[0:1].metadata.name}', 'web'],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', 'web\ndb\n'],
    [
      '{range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}',
      'web\tkind-worker\ndb\tkind-worker2\n',
    ],
    ["{.items[0].metadata.labels['app\\.kubernetes\\.io/name']}", 'shop'],
    ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'shop'],
    ['{.items[?(@.metadata.name=="db")].status.podIP}', '10.244.2.9'],
    ['{.items[*].status.conditions[?(@.type=="Ready")].status}', 'True False'],
    ['{..containerPort}', '80'],
    ['{.items[0].metadata.labels}', '{"app":"web","app.kubernetes.io/name":"shop"}'],
    ['{.items[0].missing}', ''],
    ['name: {.items[1].metadata.name}', 'name: db'],
    ['{.kind}{"\\n"}', 'List\n'],
  ])('%s', (template, out) => {
    expect(renderTemplate(template, LIST)).toBe(out);
  });

  test.each([
    '{.items[0}',
    '{.items[0].metadata.name',
    '{range .items[*]}{.metadata.name}',
    '{end}',
  ])('malformed: %s', (template) => {
    expect(() => renderTemplate(template, LIST)).toThrow(JsonPathError);
  });
});

describe('evaluatePath (custom columns, sort-by, field selectors)', () => {
  test.each([
    ['.metadata.name', ['web']],
    ['metadata.name', ['web']],
    ['{.status.podIP}', ['10.244.1.5']],
    ['.spec.containers[*].name', ['c']],
  ])('%s', (path, values) => {
    expect(evaluatePath(path, LIST.items[0])).toEqual(values);
  });
});
