import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  ciliumPolicyObject,
  networkPolicyObject,
  type Schema,
} from '../../../engine/validate/schema.ts';
import { ciliumClusterwideNetworkPolicySchema } from './ciliumClusterwideNetworkPolicy.ts';
import { ciliumNetworkPolicySchema } from './ciliumNetworkPolicy.ts';
import {
  manifestSchema,
  POLICY_SCHEMAS,
  schemaCondition,
  selectPolicySchema,
  type JsonSchema,
} from './index.ts';
import { networkPolicySchema } from './networkPolicy.ts';

/** Differences between an engine schema and its JSON Schema mirror, with their paths. */
function compare(engine: Schema, json: JsonSchema, path: string, out: string[]): void {
  if (!json.description || !json.markdownDescription) out.push(`${path}: no description`);
  const sameList = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) =>
    JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());
  switch (engine.t) {
    case 'object': {
      if (json.type !== 'object' || json.additionalProperties !== false)
        out.push(`${path}: should be a closed object`);
      const fields = Object.keys(engine.fields);
      const properties = json.properties ?? {};
      if (!sameList(fields, Object.keys(properties)))
        out.push(`${path}: fields ${fields.join(',')} vs ${Object.keys(properties).join(',')}`);
      if (!sameList(engine.required, json.required)) out.push(`${path}: required differs`);
      for (const [name, field] of Object.entries(engine.fields)) {
        const mirror = properties[name];
        if (mirror) compare(field, mirror, `${path}.${name}`, out);
      }
      return;
    }
    case 'map':
      if (json.type !== 'object' || typeof json.additionalProperties !== 'object')
        out.push(`${path}: should be a map`);
      else compare(engine.values, json.additionalProperties, `${path}.*`, out);
      return;
    case 'array':
      if (json.type !== 'array' || !json.items) out.push(`${path}: should be a list`);
      else compare(engine.items, json.items, `${path}[]`, out);
      if (engine.maxItems !== json.maxItems) out.push(`${path}: maxItems differs`);
      return;
    case 'string': {
      if (json.type !== 'string') out.push(`${path}: should be a string`);
      // apiVersion and kind are fixed per kind in the editor; the engine checks them itself.
      const fixed = /\.(apiVersion|kind)$/.test(path);
      if (!fixed && !sameList(engine.enum, json.enum)) out.push(`${path}: enum differs`);
      if (engine.pattern?.source !== json.pattern) out.push(`${path}: pattern differs`);
      return;
    }
    case 'int':
      if (json.type !== 'integer') out.push(`${path}: should be an integer`);
      if (engine.min !== json.minimum || engine.max !== json.maximum)
        out.push(`${path}: range differs`);
      return;
    case 'bool':
      if (json.type !== 'boolean') out.push(`${path}: should be a boolean`);
      return;
    case 'intOrString':
      if (!sameList(json.type as string[], ['integer', 'string']))
        out.push(`${path}: should be an integer or a string`);
      return;
    case 'any':
      if (json.type !== undefined) out.push(`${path}: should accept anything`);
      return;
  }
}

describe('policy schemas', () => {
  const cases: [string, Schema, JsonSchema][] = [
    ['NetworkPolicy', networkPolicyObject, networkPolicySchema],
    ['CiliumNetworkPolicy', ciliumPolicyObject, ciliumNetworkPolicySchema],
    ['CiliumClusterwideNetworkPolicy', ciliumPolicyObject, ciliumClusterwideNetworkPolicySchema],
  ];
  it.each(cases)(
    '%s mirrors the engine schema field for field, with a description everywhere',
    (kind, engine, json) => {
      const problems: string[] = [];
      compare(engine, json, kind, problems);
      expect(problems).toEqual([]);
    },
  );

  it('are plain JSON', () => {
    expect(JSON.parse(JSON.stringify(manifestSchema))).toEqual(manifestSchema);
  });

  it('explain the semantics that surprise people', () => {
    const cnpSpec = ciliumNetworkPolicySchema.properties?.['spec']?.properties ?? {};
    expect(cnpSpec['ingress']?.description).toContain('`ingress: [{}]`');
    expect(cnpSpec['ingress']?.description).toContain('denies all ingress');
    expect(cnpSpec['ingress']?.description).toContain('`ingress: []`');
    expect(cnpSpec['ingress']?.description).toContain('denies nothing');
    expect(cnpSpec['egress']?.description).toContain('`egress: [{}]` denies all egress');

    const egressRule = cnpSpec['egress']?.items?.properties ?? {};
    expect(egressRule['toFQDNs']?.description).toContain('`rules.dns`');
    const l7 = egressRule['toPorts']?.items?.properties?.['rules']?.properties ?? {};
    const http = l7['http']?.items?.properties ?? {};
    expect(http['path']?.description).toContain('already a regex');
    expect(http['headers']?.description).toContain('exact');
    expect(l7['kafka']?.description).toContain('removed in Cilium 1.20');
    expect(l7['dns']?.description).toContain('toFQDNs');

    // The namespace scope of selectors differs between the two Cilium kinds.
    expect(cnpSpec['endpointSelector']?.description).toContain("policy's namespace");
    const ccnpSpec = ciliumClusterwideNetworkPolicySchema.properties?.['spec']?.properties ?? {};
    expect(ccnpSpec['endpointSelector']?.description).toContain('every namespace');
    expect(cnpSpec['nodeSelector']?.doNotSuggest).toBe(true);
    expect(ccnpSpec['nodeSelector']?.doNotSuggest).toBeUndefined();

    // NetworkPolicy reads `ingress: [{}]` the other way round.
    const knpSpec = networkPolicySchema.properties?.['spec']?.properties ?? {};
    expect(knpSpec['ingress']?.description).toContain(
      '`ingress: [{}]` (one empty rule) allows everything',
    );
  });
});

/** Whether a document satisfies one of the root schema's `if` conditions (const checks only). */
function conditionHolds(condition: JsonSchema, document: unknown): boolean {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return false;
  const record = document as Record<string, unknown>;
  if ((condition.required ?? []).some((key) => !(key in record))) return false;
  return Object.entries(condition.properties ?? {}).every(
    ([key, rule]) => !(key in record) || rule.const === undefined || record[key] === rule.const,
  );
}

describe('schema selection', () => {
  const file = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: a}',
    '---',
    'apiVersion: cilium.io/v2',
    'kind: CiliumNetworkPolicy',
    '---',
    'kind: CiliumClusterwideNetworkPolicy',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    '---',
    'apiVersion: cilium.io/v2alpha1',
    'kind: CiliumNetworkPolicy',
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: CiliumNetworkPolicy',
    '---',
    'metadata: {name: no-kind-yet}',
    '---',
    '- a list',
  ].join('\n');
  const documents = parseAllDocuments(file).map((d) => d.toJS() as unknown);

  it('picks the schema of each document by kind and apiVersion', () => {
    expect(documents.map((d) => selectPolicySchema(d)?.kind ?? null)).toEqual([
      'NetworkPolicy',
      'CiliumNetworkPolicy',
      // apiVersion not typed yet: the kind decides.
      'CiliumClusterwideNetworkPolicy',
      null,
      // A Cilium kind under another apiVersion is not one the engine accepts.
      null,
      null,
      null,
      null,
    ]);
    expect(selectPolicySchema(null)).toBeUndefined();
    expect(selectPolicySchema('kind: NetworkPolicy')).toBeUndefined();
  });

  it('is what the root schema does in each document', () => {
    const branches = manifestSchema.allOf ?? [];
    expect(branches).toHaveLength(POLICY_SCHEMAS.length);
    for (const document of documents) {
      const chosen = branches
        .map((branch, i) => (branch.if && conditionHolds(branch.if, document) ? i : -1))
        .filter((i) => i >= 0)
        .map((i) => POLICY_SCHEMAS[i]?.kind);
      const expected = selectPolicySchema(document);
      expect(chosen).toEqual(expected ? [expected.kind] : []);
    }
  });

  it('gives each kind its own branch', () => {
    for (const [i, entry] of POLICY_SCHEMAS.entries()) {
      expect(manifestSchema.allOf?.[i]?.if).toEqual(schemaCondition(entry));
      expect(manifestSchema.allOf?.[i]?.then?.properties).toBe(entry.schema.properties);
    }
  });

  it('suggests the policy kinds and apiVersions at the top level', () => {
    expect(manifestSchema.properties?.['kind']?.examples).toEqual([
      'NetworkPolicy',
      'CiliumNetworkPolicy',
      'CiliumClusterwideNetworkPolicy',
    ]);
    expect(manifestSchema.properties?.['apiVersion']?.examples).toEqual([
      'cilium.io/v2',
      'networking.k8s.io/v1',
    ]);
  });
});
