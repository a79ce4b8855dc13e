/**
 * Structural validation as the API server does it: strict decoding (unknown fields are errors),
 * types, enums and ranges. Schemas are written as small values below; each check reports the
 * field path so the caller can place the message at a line.
 */
import type { FieldPath } from '../yaml/documents.ts';

export type Schema =
  | { t: 'object'; fields: Record<string, Schema>; required?: string[]; maxItems?: never }
  | { t: 'map'; values: Schema }
  | { t: 'array'; items: Schema; maxItems?: number }
  | { t: 'string'; enum?: readonly string[]; pattern?: RegExp; patternHint?: string }
  | { t: 'int'; min?: number; max?: number }
  | { t: 'bool' }
  | { t: 'intOrString' }
  | { t: 'any' };

/** One structural problem. */
export interface SchemaIssue {
  path: FieldPath;
  /** `key` when the problem is the field name itself (unknown field). */
  part: 'key' | 'value';
  code: 'unknown-field' | 'wrong-type' | 'invalid-value' | 'missing-field';
  message: string;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fmt(path: FieldPath): string {
  let out = '';
  for (const seg of path)
    out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** Validates `value` against `schema`, appending issues. `null` values are accepted as absent. */
export function check(
  value: unknown,
  schema: Schema,
  path: FieldPath,
  issues: SchemaIssue[],
): void {
  if (value === null || value === undefined) return;
  const wrong = (expected: string): void => {
    issues.push({
      path,
      part: 'value',
      code: 'wrong-type',
      message: `${fmt(path)}: Invalid value: "${typeName(value)}": ${fmt(path)} in body must be of type ${expected}: "${typeName(value)}"`,
    });
  };
  switch (schema.t) {
    case 'any':
      return;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrong('object');
      const o = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(o)) {
        const fs = schema.fields[k];
        if (!fs) {
          issues.push({
            path: [...path, k],
            part: 'key',
            code: 'unknown-field',
            message: `strict decoding error: unknown field "${fmt([...path, k])}"`,
          });
          continue;
        }
        check(v, fs, [...path, k], issues);
      }
      for (const r of schema.required ?? []) {
        if (o[r] === undefined || o[r] === null)
          issues.push({
            path: [...path, r],
            part: 'value',
            code: 'missing-field',
            message: `${fmt([...path, r])}: Required value`,
          });
      }
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrong('object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        check(v, schema.values, [...path, k], issues);
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) return wrong('array');
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        issues.push({
          path,
          part: 'value',
          code: 'invalid-value',
          message: `${fmt(path)}: Too many: ${value.length}: must have at most ${schema.maxItems} items`,
        });
      value.forEach((v, i) => check(v, schema.items, [...path, i], issues));
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return wrong('string');
      if (schema.enum && !schema.enum.includes(value))
        issues.push({
          path,
          part: 'value',
          code: 'invalid-value',
          message: `${fmt(path)}: Unsupported value: "${value}": supported values: ${schema.enum.map((e) => `"${e}"`).join(', ')}`,
        });
      else if (schema.pattern && !schema.pattern.test(value))
        issues.push({
          path,
          part: 'value',
          code: 'invalid-value',
          message: `${fmt(path)}: Invalid value: "${value}": ${schema.patternHint ?? `${fmt(path)} in body should match '${schema.pattern.source}'`}`,
        });
      return;
    }
    case 'int': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrong('integer');
      if (schema.min !== undefined && value < schema.min)
        issues.push({
          path,
          part: 'value',
          code: 'invalid-value',
          message: `${fmt(path)}: Invalid value: ${value}: ${fmt(path)} in body should be greater than or equal to ${schema.min}`,
        });
      if (schema.max !== undefined && value > schema.max)
        issues.push({
          path,
          part: 'value',
          code: 'invalid-value',
          message: `${fmt(path)}: Invalid value: ${value}: ${fmt(path)} in body should be less than or equal to ${schema.max}`,
        });
      return;
    }
    case 'bool':
      if (typeof value !== 'boolean') wrong('boolean');
      return;
    case 'intOrString':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value)))
        wrong('integer or string');
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const S: Schema = { t: 'string' };
const I: Schema = { t: 'int' };
const B: Schema = { t: 'bool' };
const strings: Schema = { t: 'array', items: S };
const ANY: Schema = { t: 'any' };

export const objectMeta: Schema = {
  t: 'object',
  fields: {
    name: S,
    generateName: S,
    namespace: S,
    labels: { t: 'map', values: S },
    annotations: { t: 'map', values: S },
    uid: S,
    resourceVersion: S,
    generation: I,
    creationTimestamp: ANY,
    deletionTimestamp: ANY,
    deletionGracePeriodSeconds: I,
    selfLink: S,
    finalizers: strings,
    ownerReferences: ANY,
    managedFields: ANY,
  },
};

/** Kubernetes LabelSelector. */
export const labelSelector: Schema = {
  t: 'object',
  fields: {
    matchLabels: { t: 'map', values: S },
    matchExpressions: {
      t: 'array',
      items: {
        t: 'object',
        fields: {
          key: S,
          operator: { t: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: strings,
        },
        required: ['key', 'operator'],
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// networking.k8s.io/v1 NetworkPolicy

const npPeer: Schema = {
  t: 'object',
  fields: {
    podSelector: labelSelector,
    namespaceSelector: labelSelector,
    ipBlock: { t: 'object', fields: { cidr: S, except: strings }, required: ['cidr'] },
  },
};
const npPort: Schema = {
  t: 'object',
  fields: {
    protocol: { t: 'string', enum: ['TCP', 'UDP', 'SCTP'] },
    port: { t: 'intOrString' },
    endPort: I,
  },
};

export const networkPolicySpec: Schema = {
  t: 'object',
  fields: {
    podSelector: labelSelector,
    policyTypes: { t: 'array', items: { t: 'string', enum: ['Ingress', 'Egress'] } },
    ingress: {
      t: 'array',
      items: {
        t: 'object',
        fields: { from: { t: 'array', items: npPeer }, ports: { t: 'array', items: npPort } },
      },
    },
    egress: {
      t: 'array',
      items: {
        t: 'object',
        fields: { to: { t: 'array', items: npPeer }, ports: { t: 'array', items: npPort } },
      },
    },
  },
  required: ['podSelector'],
};

// ---------------------------------------------------------------------------------------------
// cilium.io/v2 CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (CRD schema of 1.16–1.18)

/** Entity names of the CRD enum — pkg/policy/api/entity.go. */
export const ENTITIES = [
  'all',
  'world',
  'cluster',
  'host',
  'init',
  'ingress',
  'unmanaged',
  'remote-node',
  'health',
  'none',
  'kube-apiserver',
] as const;

// CRD pattern for PortProtocol.port: a number 0–65535 or an IANA service name.
const PORT_PATTERN =
  /^((6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*)$/;

const portProtocol: Schema = {
  t: 'object',
  fields: {
    port: {
      t: 'string',
      pattern: PORT_PATTERN,
      patternHint: 'must be a port number (0-65535) or a port name',
    },
    endPort: { t: 'int', min: 0, max: 65535 },
    protocol: {
      t: 'string',
      enum: ['TCP', 'UDP', 'SCTP', 'ICMP', 'ICMPV6', 'VRRP', 'IGMP', 'ANY'],
    },
  },
};

const httpRule: Schema = {
  t: 'object',
  fields: {
    path: S,
    method: S,
    host: S,
    headers: strings,
    headerMatches: {
      t: 'array',
      items: {
        t: 'object',
        fields: {
          name: S,
          value: S,
          secret: { t: 'object', fields: { name: S, namespace: S }, required: ['name'] },
          mismatch: { t: 'string', enum: ['LOG', 'ADD', 'DELETE', 'REPLACE'] },
        },
        required: ['name'],
      },
    },
  },
};
// cilium/proxy pkg/policy/api/kafka `PortRule`: `+kubebuilder:validation:Enum=produce;consume` on
// role, so the API server takes the lower-case spellings only (the agent itself ignores case).
const kafkaRule: Schema = {
  t: 'object',
  fields: {
    role: { t: 'string', enum: ['produce', 'consume'] },
    apiKey: S,
    apiVersion: S,
    clientID: S,
    topic: S,
  },
};
const fqdnSelector: Schema = { t: 'object', fields: { matchName: S, matchPattern: S } };
const l7Rules: Schema = {
  t: 'object',
  fields: {
    http: { t: 'array', items: httpRule },
    kafka: { t: 'array', items: kafkaRule },
    dns: { t: 'array', items: fqdnSelector },
    l7proto: S,
    l7: { t: 'array', items: { t: 'map', values: S } },
  },
};
const tlsContext: Schema = {
  t: 'object',
  fields: {
    secret: { t: 'object', fields: { name: S, namespace: S } },
    trustedCA: S,
    certificate: S,
    privateKey: S,
  },
};
const portRule: Schema = {
  t: 'object',
  fields: {
    ports: { t: 'array', items: portProtocol, maxItems: 40 },
    rules: l7Rules,
    terminatingTLS: tlsContext,
    originatingTLS: tlsContext,
    serverNames: strings,
    listener: ANY,
  },
};
const portDenyRule: Schema = {
  t: 'object',
  fields: { ports: { t: 'array', items: portProtocol, maxItems: 40 } },
};
const cidrRule: Schema = {
  t: 'object',
  fields: { cidr: S, cidrGroupRef: S, cidrGroupSelector: labelSelector, except: strings },
};
const icmpRules: Schema = {
  t: 'array',
  items: {
    t: 'object',
    fields: {
      fields: {
        t: 'array',
        items: {
          t: 'object',
          fields: { type: { t: 'intOrString' }, family: { t: 'string', enum: ['IPv4', 'IPv6'] } },
        },
      },
    },
  },
};
const entities: Schema = { t: 'array', items: { t: 'string', enum: ENTITIES } };
const selectors: Schema = { t: 'array', items: labelSelector };
const authentication: Schema = {
  t: 'object',
  fields: { mode: { t: 'string', enum: ['disabled', 'required', 'test-always-fail'] } },
  required: ['mode'],
};
const service: Schema = {
  t: 'object',
  fields: {
    k8sService: { t: 'object', fields: { serviceName: S, namespace: S } },
    k8sServiceSelector: {
      t: 'object',
      fields: { selector: labelSelector, namespace: S },
      required: ['selector'],
    },
  },
};

function ingressLike(deny: boolean): Schema {
  return {
    t: 'object',
    fields: {
      fromEndpoints: selectors,
      fromRequires: selectors,
      fromCIDR: strings,
      fromCIDRSet: { t: 'array', items: cidrRule },
      fromEntities: entities,
      fromGroups: { t: 'array', items: ANY },
      fromNodes: selectors,
      toPorts: { t: 'array', items: deny ? portDenyRule : portRule },
      icmps: icmpRules,
      ...(deny ? {} : { authentication }),
    },
  };
}
function egressLike(deny: boolean): Schema {
  return {
    t: 'object',
    fields: {
      toEndpoints: selectors,
      toRequires: selectors,
      toCIDR: strings,
      toCIDRSet: { t: 'array', items: cidrRule },
      toEntities: entities,
      toServices: { t: 'array', items: service },
      toGroups: { t: 'array', items: ANY },
      toNodes: selectors,
      toPorts: { t: 'array', items: deny ? portDenyRule : portRule },
      icmps: icmpRules,
      ...(deny ? {} : { toFQDNs: { t: 'array', items: fqdnSelector }, authentication }),
    },
  };
}

export const ciliumRule: Schema = {
  t: 'object',
  fields: {
    endpointSelector: labelSelector,
    nodeSelector: labelSelector,
    ingress: { t: 'array', items: ingressLike(false) },
    ingressDeny: { t: 'array', items: ingressLike(true) },
    egress: { t: 'array', items: egressLike(false) },
    egressDeny: { t: 'array', items: egressLike(true) },
    labels: {
      t: 'array',
      items: { t: 'object', fields: { key: S, value: S, source: S }, required: ['key'] },
    },
    enableDefaultDeny: { t: 'object', fields: { ingress: B, egress: B } },
    description: S,
    log: { t: 'object', fields: { value: S } },
  },
};

/** The top level of any object: apiVersion, kind, metadata; the rest per kind. */
export function topLevel(extra: Record<string, Schema>): Schema {
  return { t: 'object', fields: { apiVersion: S, kind: S, metadata: objectMeta, ...extra } };
}

export const networkPolicyObject = topLevel({ spec: networkPolicySpec, status: ANY });
export const ciliumPolicyObject = topLevel({
  spec: ciliumRule,
  specs: { t: 'array', items: ciliumRule },
  status: ANY,
});
