/**
 * Compiled label selectors.
 *
 * A selector is a list of requirements, each on one (source, key). Selectors are compiled once
 * and cached under a canonical string, so equal selectors written in different policies share one
 * compiled value and one cached match set. — brief §19 (LabelSelector semantics), §20 (sources).
 */
import { ANY, RESERVED, splitSourceKey, type LabelIndex } from './labels.ts';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One requirement of a selector. */
export interface Requirement {
  source: string;
  key: string;
  op: Operator;
  values: readonly string[];
}

/** A selector ready for matching. `wildcard` selects every identity, world included. */
export interface CompiledSelector {
  /** Canonical text; equal selectors have equal keys. */
  key: string;
  requirements: readonly Requirement[];
  wildcard: boolean;
}

/** A Kubernetes LabelSelector as written. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function requirementKey(r: Requirement): string {
  const vals = [...r.values].sort().join(',');
  return `${r.source}:${r.key} ${r.op}${r.op === 'In' || r.op === 'NotIn' ? ` (${vals})` : ''}`;
}

const cache = new Map<string, CompiledSelector>();

/** Returns the one compiled selector for a requirement list. */
export function compileRequirements(reqs: readonly Requirement[]): CompiledSelector {
  // `reserved:all` (entity `all`, KNP's "all sources") is the wildcard — pkg/policy/api/entity.go.
  const wildcard = reqs.some((r) => r.source === RESERVED && r.key === 'all' && r.op === 'In');
  const kept = wildcard ? [] : reqs;
  const parts = kept.map(requirementKey);
  const uniq = [...new Set(parts)].sort();
  const key = wildcard ? '<all>' : uniq.length === 0 ? '{}' : uniq.join(' & ');
  const hit = cache.get(key);
  if (hit) return hit;
  const seen = new Set<string>();
  const requirements: Requirement[] = [];
  for (const r of kept) {
    const k = requirementKey(r);
    if (seen.has(k)) continue;
    seen.add(k);
    requirements.push({ ...r, values: [...r.values].sort() });
  }
  requirements.sort((a, b) => (requirementKey(a) < requirementKey(b) ? -1 : 1));
  const compiled: CompiledSelector = { key, requirements, wildcard };
  cache.set(key, compiled);
  return compiled;
}

/**
 * Converts a written LabelSelector to requirements. `defaultSource` is the source given to keys
 * without a prefix (`any` for Cilium policies); `forceSource` prefixes every key blindly, as
 * Cilium does when it translates a Kubernetes NetworkPolicy (`k8s:` + key).
 */
export function selectorRequirements(
  spec: LabelSelectorSpec | undefined | null,
  opts: { defaultSource?: string; forceSource?: string; keyPrefix?: string } = {},
): Requirement[] {
  const out: Requirement[] = [];
  if (!spec) return out;
  const conv = (raw: string) => {
    const withPrefix = (opts.keyPrefix ?? '') + raw;
    if (opts.forceSource) return { source: opts.forceSource, key: withPrefix };
    if (opts.keyPrefix) {
      const sk = splitSourceKey(raw, opts.defaultSource ?? ANY);
      return { source: sk.source, key: opts.keyPrefix + sk.key };
    }
    return splitSourceKey(raw, opts.defaultSource ?? ANY);
  };
  for (const [k, v] of Object.entries(spec.matchLabels ?? {})) {
    const { source, key } = conv(k);
    out.push({ source, key, op: 'In', values: [String(v ?? '')] });
  }
  for (const e of spec.matchExpressions ?? []) {
    const { source, key } = conv(e.key);
    out.push({ source, key, op: e.operator as Operator, values: (e.values ?? []).map(String) });
  }
  return out;
}

/** Whether one requirement holds for a label set. `NotIn`/`DoesNotExist` hold when the key is absent. */
export function requirementHolds(r: Requirement, labels: LabelIndex): boolean {
  const list = labels.get(r.key);
  let present = false;
  let valueHit = false;
  if (list) {
    for (const l of list) {
      if (r.source !== ANY && l.source !== r.source) continue;
      present = true;
      if (r.values.includes(l.value)) valueHit = true;
    }
  }
  switch (r.op) {
    case 'In':
      return valueHit;
    case 'NotIn':
      return !valueHit;
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

/** Whether a compiled selector selects a label set. */
export function matches(sel: CompiledSelector, labels: LabelIndex): boolean {
  if (sel.wildcard) return true;
  for (const r of sel.requirements) if (!requirementHolds(r, labels)) return false;
  return true;
}

/** Whether the selector mentions a key (any source), or a key starting with a prefix. */
export function mentionsKey(reqs: readonly Requirement[], key: string): boolean {
  return reqs.some((r) => r.key === key && (r.source === ANY || r.source === 'k8s'));
}
export function mentionsKeyPrefix(reqs: readonly Requirement[], prefix: string): boolean {
  return reqs.some((r) => r.key.startsWith(prefix));
}
