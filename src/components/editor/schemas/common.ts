/**
 * JSON Schema pieces shared by the policy schemas the editor gives to the YAML language service
 * (completion and hover). They mirror the engine's strict decoding schemas in
 * src/engine/validate/schema.ts field for field; a unit test walks both to keep them in step.
 *
 * Descriptions are Markdown: the language service shows `markdownDescription` in hovers and
 * completion details, and `description` is the same text for tools that only read that.
 */

/** The subset of JSON Schema (draft 7 plus the language service's extensions) used here. */
export interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'boolean' | ('string' | 'integer')[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  maxItems?: number;
  enum?: string[];
  markdownEnumDescriptions?: string[];
  const?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  examples?: unknown[];
  /** Language-service extension: keep the property out of completion lists. */
  doNotSuggest?: boolean;
  if?: JsonSchema;
  then?: JsonSchema;
  allOf?: JsonSchema[];
}

/** Sets the description (as Markdown and as plain text) on a schema. */
export function doc<T extends JsonSchema>(text: string, schema: T): T {
  return { ...schema, description: text, markdownDescription: text };
}

/** A string field. */
export function str(text: string, extra: Omit<JsonSchema, 'type'> = {}): JsonSchema {
  return doc(text, { type: 'string', ...extra });
}

/** An integer field. */
export function int(text: string, extra: Omit<JsonSchema, 'type'> = {}): JsonSchema {
  return doc(text, { type: 'integer', ...extra });
}

/** A boolean field. */
export function bool(text: string): JsonSchema {
  return doc(text, { type: 'boolean' });
}

/** A field that takes any value; the engine does not look inside it. */
export function anything(text: string): JsonSchema {
  return doc(text, {});
}

/** A list whose items follow `items`. */
export function list(text: string, items: JsonSchema, extra: { maxItems?: number } = {}) {
  return doc(text, { type: 'array' as const, items, ...extra });
}

/** A closed object: only the listed fields are accepted (strict decoding). */
export function obj(
  text: string,
  properties: Record<string, JsonSchema>,
  required?: string[],
): JsonSchema {
  return doc(text, {
    type: 'object',
    properties,
    additionalProperties: false,
    ...(required ? { required } : {}),
  });
}

/** A map from free-form keys to values following `values`. */
export function map(text: string, values: JsonSchema): JsonSchema {
  return doc(text, { type: 'object', additionalProperties: values });
}

/** A string limited to `values`, each with its own explanation. */
export function choice(text: string, values: Record<string, string>): JsonSchema {
  return doc(text, {
    type: 'string',
    enum: Object.keys(values),
    markdownEnumDescriptions: Object.values(values),
  });
}

/** Kubernetes `metadata`. `namespaceDoc` explains what the namespace means for this kind. */
export function objectMeta(namespaceDoc: string): JsonSchema {
  return obj('Standard Kubernetes object metadata: the name, namespace and labels.', {
    name: str(
      'The object name. Together with the kind and namespace it identifies the object: applying another object with the same name replaces this one.',
    ),
    generateName: str(
      'A prefix the API server completes into a unique name when `name` is empty. Rarely useful for policies, which are easier to manage under a fixed name.',
    ),
    namespace: str(namespaceDoc),
    labels: map(
      "Labels on the policy object itself. They help you find and group policies; they never change which pods the policy selects (that is the selector's job).",
      str('A label value.'),
    ),
    annotations: map(
      'Free-form notes for tools and people. Cilium ignores them when enforcing.',
      str('An annotation value.'),
    ),
    uid: str('Set by the API server; leave it out of files you write.'),
    resourceVersion: str(
      'Set by the API server for optimistic concurrency; leave it out of files you write.',
    ),
    generation: int('Set by the API server; counts changes to the spec.'),
    creationTimestamp: anything('Set by the API server when the object is created.'),
    deletionTimestamp: anything('Set by the API server when deletion is requested.'),
    deletionGracePeriodSeconds: int('Set by the API server during deletion.'),
    selfLink: str('Deprecated and no longer set by the API server.'),
    finalizers: list(
      'Names of controllers that must finish clean-up before the object disappears.',
      str('A finalizer name.'),
    ),
    ownerReferences: anything(
      'Objects that own this one; garbage collection removes it with its owner.',
    ),
    managedFields: anything('Server-side apply bookkeeping, written by the API server.'),
  });
}

const OPERATORS: Record<string, string> = {
  In: 'The label is present and its value is one of `values`.',
  NotIn:
    'The label is absent, or its value is not one of `values`. Pods without the key match too.',
  Exists: 'The label is present, whatever its value. Leave `values` out.',
  DoesNotExist: 'The label is absent. Leave `values` out.',
};

/** A Kubernetes LabelSelector, described as a whole by `text`. */
export function labelSelector(text: string): JsonSchema {
  return obj(text, {
    matchLabels: map(
      'Label key/value pairs that must all be present (AND). An empty selector `{}` (no matchLabels, no matchExpressions) selects everything in its scope.',
      str('The exact value the label must have. Label values are case-sensitive.'),
    ),
    matchExpressions: list(
      'Set-based requirements, all of which must hold (AND), together with `matchLabels`.',
      obj(
        'One requirement on a label key.',
        {
          key: str(
            'The label key. In Cilium policies a key may carry a source prefix: none or `any:` matches a label from any source, `k8s:` only Kubernetes labels, `reserved:` the reserved identities such as `reserved:host`.',
          ),
          operator: choice('How the label is compared.', OPERATORS),
          values: list(
            'The values for `In` and `NotIn` (required there, and must be absent for `Exists` and `DoesNotExist`).',
            str('A label value.'),
          ),
        },
        ['key', 'operator'],
      ),
    ),
  });
}

/** `kind` and `apiVersion` as fixed values, for a document whose kind is known. */
export function typeMeta(
  kind: string,
  apiVersion: string,
  kindDoc: string,
): JsonSchema['properties'] {
  return {
    apiVersion: doc(`The API group and version of a ${kind}: always \`${apiVersion}\`.`, {
      type: 'string',
      enum: [apiVersion],
    }),
    kind: doc(kindDoc, { type: 'string', enum: [kind] }),
  };
}
