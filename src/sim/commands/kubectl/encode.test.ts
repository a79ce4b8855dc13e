/** `-o yaml` and `-o json` in kubectl's style. */
import { describe, expect, test } from 'vitest';
import { jsonText, yamlText } from './encode.ts';

describe('yamlText', () => {
  test.each([
    ['True', '"True"'],
    ['5432', '"5432"'],
    ['1.5', '"1.5"'],
    ['2026-03-02T09:00:00Z', '"2026-03-02T09:00:00Z"'],
    ['on', '"on"'],
    ['', '""'],
    ['10.244.2.114', '10.244.2.114'],
    ['*.github.com', "'*.github.com'"],
    ['X-Token: s3cret', "'X-Token: s3cret'"],
    ['GET|HEAD', 'GET|HEAD'],
    ['/api/.*', '/api/.*'],
    ['flask-app', 'flask-app'],
  ])('string %j is written %s', (value, written) => {
    expect(yamlText({ v: value })).toBe(`v: ${written}\n`);
  });

  test('keys sorted, sequences not indented, multi-line strings as literal blocks', () => {
    expect(
      yamlText({ spec: { ports: [{ port: 80, name: 'http' }] }, apiVersion: 'v1', note: 'a\nb\n' }),
    ).toBe('apiVersion: v1\nnote: |\n  a\n  b\nspec:\n  ports:\n  - name: http\n    port: 80\n');
  });
});

describe('jsonText', () => {
  test('four-space indent, sorted keys, final newline', () => {
    expect(jsonText({ kind: 'List', apiVersion: 'v1', items: [] })).toBe(
      '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List"\n}\n',
    );
  });
});
