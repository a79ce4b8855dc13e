import { describe, expect, test } from 'vitest';
import { exportBundle, importBundle } from './workbench.ts';

describe('YAML bundles', () => {
  test('export and import give back the same files', () => {
    const files = [
      { name: 'cluster.yaml', text: 'kind: Pod\n---\nkind: Service\n' },
      { name: 'policy.yaml', text: 'kind: CiliumNetworkPolicy\n' },
    ];
    expect(importBundle(exportBundle(files))).toEqual(files);
  });
  test('plain multi-document YAML becomes one file', () => {
    expect(importBundle('kind: Pod\n---\nkind: Service\n', 'mine.yaml')).toEqual([
      { name: 'mine.yaml', text: 'kind: Pod\n---\nkind: Service\n' },
    ]);
  });
});
