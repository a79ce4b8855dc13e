/**
 * Labels as Cilium sees them: each has a source (`k8s`, `reserved`, ...), a key and a value.
 *
 * Selector keys may carry a source prefix (`k8s:app`); without one they mean `any:`, i.e. a label
 * of any source. — Cilium pkg/labels/labels.go `GetExtendedKeyFrom`, brief §20.
 */

/** One label of an identity. */
export interface Label {
  source: string;
  key: string;
  value: string;
}

/** The label set of one identity, indexed by key for matching. */
export type LabelIndex = ReadonlyMap<string, readonly Label[]>;

/** Label source meaning "any source". */
export const ANY = 'any';
export const K8S = 'k8s';
export const RESERVED = 'reserved';

/** Well-known label keys. */
export const POD_NAMESPACE_KEY = 'io.kubernetes.pod.namespace';
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
export const SERVICE_ACCOUNT_KEY = 'io.cilium.k8s.policy.serviceaccount';
export const CLUSTER_KEY = 'io.cilium.k8s.policy.cluster';
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Splits `source:key` (and Cilium's `$host` shorthand for `reserved:host`). */
export function splitSourceKey(raw: string, defaultSource = ANY): { source: string; key: string } {
  if (raw.startsWith('$')) return { source: RESERVED, key: raw.slice(1) };
  const i = raw.indexOf(':');
  if (i < 0) return { source: defaultSource, key: raw };
  return { source: raw.slice(0, i), key: raw.slice(i + 1) };
}

/** Builds the lookup index of a label list. */
export function indexLabels(labels: readonly Label[]): Map<string, Label[]> {
  const idx = new Map<string, Label[]>();
  for (const l of labels) {
    const list = idx.get(l.key);
    if (list) list.push(l);
    else idx.set(l.key, [l]);
  }
  return idx;
}

/** Canonical text of a label set: sorted `source:key=value`, comma separated. */
export function labelsKey(labels: readonly Label[]): string {
  return labels
    .map((l) => `${l.source}:${l.key}=${l.value}`)
    .sort()
    .join(',');
}

// Identity-relevant label filter. — Documentation/operations/performance/scalability/
// identity-relevant-labels.rst; pkg/labelsfilter/filter.go `defaultLabelPrefixCfg`.
// Patterns are anchored at the start of the key (brief §22).
const EXCLUDED_PREFIXES = ['io.kubernetes', 'kubernetes.io', 'k8s.io'];
const EXCLUDED_EXACT = new Set([
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/job-completion-index',
  'batch.kubernetes.io/controller-uid',
  'pod-template-hash',
  'pod-template-generation',
  'controller-revision-hash',
  'controller-uid',
  'etcd_node',
]);
const EXCLUDED_PATTERNS = [/^.*beta\.kubernetes\.io/, /^annotation\./];

/**
 * Whether a pod label key takes part in the security identity. Labels that do not are invisible
 * to every selector (brief §22).
 */
export function isIdentityRelevant(key: string): boolean {
  if (key === POD_NAMESPACE_KEY) return true;
  if (key.startsWith(NAMESPACE_LABELS_PREFIX)) return true;
  if (key.startsWith('io.cilium.k8s.policy.')) return true;
  if (EXCLUDED_EXACT.has(key)) return false;
  for (const p of EXCLUDED_PREFIXES) if (key.startsWith(p)) return false;
  for (const re of EXCLUDED_PATTERNS) if (re.test(key)) return false;
  return true;
}
