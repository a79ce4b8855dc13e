/**
 * The schema the editor attaches to every YAML file. A file may hold several documents
 * (`---`); the language service checks each one against the root schema, which picks the policy
 * schema matching the document's kind and apiVersion and leaves other kinds (Deployments,
 * Services, ...) alone.
 */
import { doc, objectMeta, str, type JsonSchema } from './common.ts';
import {
  CILIUM_API_VERSION,
  CILIUM_NETWORK_POLICY_KIND,
  ciliumNetworkPolicySchema,
} from './ciliumNetworkPolicy.ts';
import {
  CILIUM_CLUSTERWIDE_NETWORK_POLICY_KIND,
  ciliumClusterwideNetworkPolicySchema,
} from './ciliumClusterwideNetworkPolicy.ts';
import {
  NETWORK_POLICY_API_VERSION,
  NETWORK_POLICY_KIND,
  networkPolicySchema,
} from './networkPolicy.ts';

export type { JsonSchema } from './common.ts';

/** A policy kind the editor knows, with its schema. */
export interface PolicySchemaEntry {
  kind: string;
  apiVersion: string;
  schema: JsonSchema;
}

export const POLICY_SCHEMAS: readonly PolicySchemaEntry[] = [
  {
    kind: NETWORK_POLICY_KIND,
    apiVersion: NETWORK_POLICY_API_VERSION,
    schema: networkPolicySchema,
  },
  {
    kind: CILIUM_NETWORK_POLICY_KIND,
    apiVersion: CILIUM_API_VERSION,
    schema: ciliumNetworkPolicySchema,
  },
  {
    kind: CILIUM_CLUSTERWIDE_NETWORK_POLICY_KIND,
    apiVersion: CILIUM_API_VERSION,
    schema: ciliumClusterwideNetworkPolicySchema,
  },
];

/**
 * The policy schema for one parsed YAML document, chosen the way the root schema's conditions
 * choose it: by `kind`, provided `apiVersion` is absent (still being typed) or the kind's own.
 */
export function selectPolicySchema(document: unknown): PolicySchemaEntry | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return undefined;
  const { kind, apiVersion } = document as Record<string, unknown>;
  return POLICY_SCHEMAS.find(
    (entry) => entry.kind === kind && (apiVersion === undefined || apiVersion === entry.apiVersion),
  );
}

/** The JSON Schema condition that holds exactly when `selectPolicySchema` picks `entry`. */
export function schemaCondition(entry: PolicySchemaEntry): JsonSchema {
  return {
    type: 'object',
    properties: {
      kind: { const: entry.kind },
      apiVersion: { const: entry.apiVersion },
    },
    required: ['kind'],
  };
}

/** The schema for a whole YAML file of Kubernetes manifests, applied document by document. */
export const manifestSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    apiVersion: str(
      'The API group and version of the object. Policies use `networking.k8s.io/v1` (NetworkPolicy) or `cilium.io/v2` (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy).',
      { examples: [CILIUM_API_VERSION, NETWORK_POLICY_API_VERSION] },
    ),
    kind: str(
      'The type of object. The policy kinds are NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy; other kinds describe the cluster.',
      { examples: POLICY_SCHEMAS.map((entry) => entry.kind) },
    ),
    metadata: objectMeta('The namespace of the object; `default` when omitted.'),
  },
  allOf: POLICY_SCHEMAS.map((entry) => ({
    if: schemaCondition(entry),
    then: doc(entry.schema.description ?? entry.kind, entry.schema),
  })),
};
