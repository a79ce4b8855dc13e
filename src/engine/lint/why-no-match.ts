/**
 * Why a label selector selects no pod, in words, with the nearest label that does exist. Used by
 * the selector rules; works on compiled selectors, so namespace scoping (brief §23–25) and the
 * `io.cilium.k8s.namespace.labels.` keys of translated namespaceSelectors (§51) are included.
 */
import type { Engine } from '../engine.ts';
import type { Identity } from '../identity.ts';
import {
  isIdentityRelevant,
  NAMESPACE_LABELS_PREFIX,
  NAMESPACE_NAME_LABEL,
  POD_NAMESPACE_KEY,
} from '../labels.ts';
import { requirementHolds, type Requirement } from '../selector.ts';
import { clusterFacts, podName, someOf } from './context.ts';
import { nearest } from './text.ts';

/** A label the author probably meant: replace `from` with `to` (a key or a value). */
export interface LabelSuggestion {
  requirement: Requirement;
  part: 'key' | 'value';
  from: string;
  to: string;
}

/** The explanation, and where applicable the label to use instead or the namespaces to look in. */
export interface NoMatch {
  text: string;
  suggestion?: LabelSuggestion;
  /** Pods matching everything but the namespace live in these namespaces. */
  elsewhere?: string[];
}

/**
 * Whether one requirement holds for an identity. The requirements come from a compiled selector,
 * so the `reserved:all` wildcard never reaches here (compiling leaves it no requirements).
 */
export function holds(r: Requirement, ident: Identity): boolean {
  return requirementHolds(r, ident.lookup);
}

function describe(r: Requirement): string {
  const key = r.key.startsWith(NAMESPACE_LABELS_PREFIX)
    ? `namespace label ${r.key.slice(NAMESPACE_LABELS_PREFIX.length)}`
    : r.key;
  switch (r.op) {
    case 'In':
      return r.values.length === 1 ? `${key}=${r.values[0]}` : `${key} in (${r.values.join(', ')})`;
    case 'NotIn':
      return `${key} not in (${r.values.join(', ')})`;
    case 'Exists':
      return `${key} present`;
    case 'DoesNotExist':
      return `no ${key}`;
  }
}

/** Label vocabulary of the pod identities: key → values. */
function vocabulary(idents: readonly Identity[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const i of idents)
    for (const l of i.labels) {
      let s = out.get(l.key);
      if (!s) out.set(l.key, (s = new Set()));
      s.add(l.value);
    }
  return out;
}

function explainRequirement(engine: Engine, r: Requirement, idents: readonly Identity[]): NoMatch {
  const vocab = vocabulary(idents);
  const userKeys = [...vocab.keys()].filter(
    (k) => !k.startsWith('io.cilium.k8s.') && k !== POD_NAMESPACE_KEY,
  );
  const nsLabel = r.key.startsWith(NAMESPACE_LABELS_PREFIX);
  if ((r.op === 'In' || r.op === 'Exists') && !vocab.has(r.key)) {
    if (nsLabel) {
      const nsKey = r.key.slice(NAMESPACE_LABELS_PREFIX.length);
      const nsKeys = [...vocab.keys()]
        .filter((k) => k.startsWith(NAMESPACE_LABELS_PREFIX))
        .map((k) => k.slice(NAMESPACE_LABELS_PREFIX.length));
      const near = nearest(nsKey, nsKeys);
      return {
        text: `no namespace that has pods carries the label ${nsKey}${near ? `; did you mean ${near}?` : ''}`,
        ...(near ? { suggestion: { requirement: r, part: 'key', from: nsKey, to: near } } : {}),
      };
    }
    const onPods = engine.cluster.pods.some((p) => r.key in p.labels);
    if (onPods || !isIdentityRelevant(r.key)) {
      const ns =
        r.key === NAMESPACE_NAME_LABEL
          ? '; to select pods by namespace use io.kubernetes.pod.namespace: <name>'
          : '';
      return {
        text: `the label ${r.key} is not part of a pod's security identity (Cilium leaves it out by default), so no selector can match it${ns}`,
      };
    }
    const near = nearest(r.key, userKeys);
    return {
      text: `no pod has a label ${r.key}${near ? `; did you mean ${near}?` : ''}`,
      ...(near ? { suggestion: { requirement: r, part: 'key', from: r.key, to: near } } : {}),
    };
  }
  if (r.op === 'In') {
    const values = [...(vocab.get(r.key) ?? [])].sort();
    const want = r.values[0] ?? '';
    const near = r.values.length === 1 ? nearest(want, values) : undefined;
    const suggestion = near
      ? { suggestion: { requirement: r, part: 'value' as const, from: want, to: near } }
      : {};
    if (r.key === POD_NAMESPACE_KEY) {
      const declared = engine.cluster.namespaces.some((n) => r.values.includes(n.name));
      return {
        text: `${declared ? `no pod runs in namespace ${r.values.join(', ')}` : `there is no namespace ${r.values.join(', ')}`}${near ? `; did you mean ${near}?` : ''}`,
        ...suggestion,
      };
    }
    const shown = nsLabel
      ? `namespace label ${r.key.slice(NAMESPACE_LABELS_PREFIX.length)}`
      : r.key;
    return {
      text: `no pod has ${describe(r)} (${shown} is ${someOf(values, 4)} on the pods that have it)${near ? `; did you mean ${near}?` : ''}`,
      ...suggestion,
    };
  }
  return { text: `no pod satisfies ${describe(r)}` };
}

/** Explains a selector (its compiled requirements) that selects no pod identity. */
export function whyNoMatch(engine: Engine, reqs: readonly Requirement[]): NoMatch {
  const facts = clusterFacts(engine);
  const idents = facts.podIdentities;
  if (idents.length === 0) return { text: 'the cluster has no pods' };
  const unsat = reqs.filter((r) => !idents.some((i) => holds(r, i)));
  const first = unsat.find((r) => r.key !== POD_NAMESPACE_KEY);
  if (first) return explainRequirement(engine, first, idents);
  const ns = reqs.find((r) => r.key === POD_NAMESPACE_KEY && r.op === 'In');
  if (ns) {
    const others = reqs.filter((r) => r !== ns);
    const found = idents.filter((i) => others.every((r) => holds(r, i)));
    if (found.length > 0 && others.length > 0) {
      const namespaces = [...new Set(found.map((i) => i.namespace ?? ''))].sort();
      const pods = found.flatMap((i) => facts.podsOf.get(i.index) ?? []).map(podName);
      return {
        text: `pods with ${others.map(describe).join(', ')} run only in ${namespaces.length === 1 ? 'namespace' : 'namespaces'} ${namespaces.join(', ')} (${someOf(pods.sort())}), not in ${ns.values.join(', ')}`,
        elsewhere: namespaces,
      };
    }
  }
  if (unsat[0]) return explainRequirement(engine, unsat[0], idents);
  const parts = reqs
    .filter((r) => r.key !== POD_NAMESPACE_KEY)
    .map((r) => {
      const pods = idents
        .filter((i) => holds(r, i))
        .flatMap((i) => facts.podsOf.get(i.index) ?? [])
        .map(podName);
      return `${describe(r)}: ${someOf(pods.sort(), 2)}`;
    });
  return {
    text: `no single pod has all of these labels at once${ns ? ` in ${ns.values.join(', ')}` : ''} (${parts.join('; ')})`,
  };
}
