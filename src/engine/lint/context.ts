/**
 * Builds what the lint rules look at: the policies the engine put in force, each with the YAML
 * object the engine read it from (so that every finding has a line and column), and a few
 * cluster lookups shared by the rules.
 */
import type { Engine } from '../engine.ts';
import type { Pod } from '../cluster/model.ts';
import type { Identity, IdentityTable } from '../identity.ts';
import type { Rule, RuleOrigin } from '../policy/model.ts';
import type { CompiledSelector } from '../selector.ts';
import type { SourceFile } from '../types.ts';
import type { FieldPath } from '../yaml/documents.ts';
import {
  positionOf,
  type TextRange,
  type LintContext,
  type LintFix,
  type LintSeverity,
  type LintWarning,
  type PolicySource,
  type SpecSource,
} from './model.ts';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * The policies in force that `files` define, in key order, each paired with the YAML object that
 * defined it. Policies from other files the engine holds (objects applied in the simulated
 * terminal) are not linted.
 */
export function policySources(engine: Engine, files: readonly SourceFile[]): PolicySource[] {
  const names = new Set(files.map((f) => f.name));
  const out: PolicySource[] = [];
  for (const { key } of engine.policies) {
    const applied = engine.applied(key);
    if (!applied || !names.has(applied.file.name)) continue;
    const { policy, raw, file } = applied;
    const obj = raw.value;
    const at = raw.locate([]);
    // An unchanged policy is kept across edits with the range it was first read at; until it is
    // read again, it is linted only while its object still starts there.
    if (
      !isObj(obj) ||
      policy.range.startLine !== at.startLine ||
      policy.range.startColumn !== at.startColumn
    )
      continue;
    const specs: SpecSource[] = [];
    if (isObj(obj.spec)) specs.push({ spec: obj.spec, path: ['spec'] });
    arr(obj.specs).forEach((s, i) => {
      if (isObj(s)) specs.push({ spec: s, path: ['specs', i], specIndex: i });
    });
    out.push({ policy, raw, obj, specs, file });
  }
  return out;
}

/** Builds the context every rule receives. */
export function lintContext(engine: Engine, files: readonly SourceFile[]): LintContext {
  return {
    engine,
    version: engine.options.ciliumVersion,
    sources: policySources(engine, files),
    hasPods: engine.cluster.pods.some((p) => p.source !== undefined),
  };
}

/** A warning placed at a field of a policy. */
export function warnAt(
  src: PolicySource,
  path: FieldPath,
  code: string,
  severity: LintSeverity,
  message: string,
  opts: { part?: 'key' | 'value'; fix?: LintFix } = {},
): LintWarning {
  return {
    ...positionOf(src.raw.locate(path, opts.part ?? 'value')),
    code,
    severity,
    message,
    ...(opts.fix ? { fix: opts.fix } : {}),
  };
}

/** The root path of a rule's spec: `['spec']` or `['specs', i]`. */
export function specRoot(specIndex: number | undefined): FieldPath {
  return specIndex !== undefined ? ['specs', specIndex] : ['spec'];
}

/** `ns/name` of a pod. */
export const podName = (p: Pod): string => `${p.namespace}/${p.name}`;

/** Lists at most `n` names, then how many more. */
export function someOf(names: readonly string[], n = 3): string {
  if (names.length <= n) return names.join(', ');
  return `${names.slice(0, n).join(', ')} and ${names.length - n} more`;
}

/** Per-engine lookups between identities and pods, computed once. */
export interface ClusterFacts {
  /** Pods of each pod identity (by identity index), sorted by name. */
  podsOf: Map<number, Pod[]>;
  podIdentities: Identity[];
  /** The identities of the cluster DNS pods (kube-system, `k8s-app: kube-dns`). */
  kubeDns: Identity[];
}

/**
 * Keyed on the identity table, not the engine: an engine is edited in place, and every cluster
 * rebuild replaces its identity table (built from the new pods), so a new table means new facts.
 */
const factsCache = new WeakMap<IdentityTable, ClusterFacts>();

export function clusterFacts(engine: Engine): ClusterFacts {
  const hit = factsCache.get(engine.identities);
  if (hit) return hit;
  const podsOf = new Map<number, Pod[]>();
  const sorted = [...engine.cluster.pods].sort((a, b) =>
    podName(a) < podName(b) ? -1 : podName(a) > podName(b) ? 1 : 0,
  );
  for (const pod of sorted) {
    const ident = engine.identities.byPod.get(podName(pod));
    if (!ident) continue;
    const list = podsOf.get(ident.index);
    if (list) list.push(pod);
    else podsOf.set(ident.index, [pod]);
  }
  const kubeDns = engine.identities.podIdentities.filter((i) =>
    (podsOf.get(i.index) ?? []).some(
      (p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns',
    ),
  );
  const facts = { podsOf, podIdentities: engine.identities.podIdentities, kubeDns };
  factsCache.set(engine.identities, facts);
  return facts;
}

/** The pod identities a compiled selector selects. */
export function selectedPodIdentities(engine: Engine, sel: CompiledSelector): Identity[] {
  const bits = engine.index.selectorBits(sel);
  return engine.identities.podIdentities.filter((i) => bits.has(i.index));
}

/** The pods a compiled selector selects, sorted by name. */
export function selectedPods(engine: Engine, sel: CompiledSelector): Pod[] {
  const facts = clusterFacts(engine);
  return selectedPodIdentities(engine, sel)
    .flatMap((i) => facts.podsOf.get(i.index) ?? [])
    .sort((a, b) => (podName(a) < podName(b) ? -1 : podName(a) > podName(b) ? 1 : 0));
}

/** A source range without its file name, for quick fixes. */
export function textRange(r: TextRange): TextRange {
  return {
    startLine: r.startLine,
    startColumn: r.startColumn,
    endLine: r.endLine,
    endColumn: r.endColumn,
  };
}

/**
 * A quick fix that adds `key: value` to the `matchLabels` of the selector at `selectorPath`,
 * in the mapping's own style (block or flow). Undefined when there is no `matchLabels` to extend.
 */
export function addMatchLabelFix(
  src: PolicySource,
  selectorPath: FieldPath,
  key: string,
  value: string,
): LintFix | undefined {
  const sel = selectorPath.reduce<unknown>(
    (v, seg) =>
      isObj(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined,
    src.obj,
  );
  if (!isObj(sel) || !isObj(sel.matchLabels) || Object.keys(sel.matchLabels).length === 0)
    return undefined;
  const r = src.raw.locate([...selectorPath, 'matchLabels']);
  const lines = src.file.text.split('\n');
  const line = lines[r.startLine - 1] ?? '';
  const title = `Add ${key}: ${value}`;
  if (line[r.startColumn - 1] === '{') {
    const at = { startLine: r.startLine, startColumn: r.startColumn + 1 };
    return {
      title,
      range: { ...at, endLine: at.startLine, endColumn: at.startColumn },
      text: `${key}: ${value}, `,
    };
  }
  const indent = ' '.repeat(r.startColumn - 1);
  // Only when the first key starts its own line (block style).
  if (line.slice(0, r.startColumn - 1).trim() !== '') return undefined;
  return {
    title,
    range: { startLine: r.startLine, startColumn: 1, endLine: r.startLine, endColumn: 1 },
    text: `${indent}${key}: ${value}\n`,
  };
}

/** The plain value at a path of a policy object. */
export function valueAt(src: PolicySource, path: FieldPath): unknown {
  let v: unknown = src.obj;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isObj(v) && typeof seg === 'string') v = v[seg];
    else return undefined;
  }
  return v;
}

/** The path of a normalised rule: `spec.egress[2]`, or the peer of a NetworkPolicy rule. */
export function rulePathOf(o: RuleOrigin): FieldPath {
  const base = [...specRoot(o.specIndex), o.section, o.index];
  if (o.peerIndex !== undefined) base.push(o.section === 'ingress' ? 'from' : 'to', o.peerIndex);
  return base;
}

/** One peer selector of a rule as written, with its compiled form. */
export interface PeerSelectorSource {
  path: FieldPath;
  written: Record<string, unknown>;
  compiled: CompiledSelector;
}

/**
 * The endpoint peer selectors of a rule, paired with the YAML items they came from: the
 * `fromEndpoints`/`toEndpoints` items of a Cilium rule, or the peer of a NetworkPolicy rule.
 */
export function peerSelectors(src: PolicySource, rule: Rule): PeerSelectorSource[] {
  if (rule.origin.index < 0) return [];
  const rp = rulePathOf(rule.origin);
  if (rule.origin.peerIndex !== undefined) {
    const written = valueAt(src, rp);
    const compiled = rule.endpoints[0];
    return isObj(written) && compiled ? [{ path: rp, written, compiled }] : [];
  }
  const key = rule.direction === 'ingress' ? 'fromEndpoints' : 'toEndpoints';
  const out: PeerSelectorSource[] = [];
  let k = 0;
  arr(valueAt(src, [...rp, key])).forEach((item, j) => {
    if (!isObj(item)) return;
    const compiled = rule.endpoints[k++];
    if (compiled) out.push({ path: [...rp, key, j], written: item, compiled });
  });
  return out;
}

/** One rule of a Cilium policy as written. */
export interface WrittenRule {
  path: FieldPath;
  section: 'ingress' | 'egress' | 'ingressDeny' | 'egressDeny';
  direction: 'ingress' | 'egress';
  deny: boolean;
  specIndex?: number;
  index: number;
  rule: Record<string, unknown>;
}

/** Every rule of a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, as written. */
export function writtenRules(src: PolicySource): WrittenRule[] {
  if (src.policy.ref.kind === 'NetworkPolicy') return [];
  const out: WrittenRule[] = [];
  for (const { spec, path, specIndex } of src.specs)
    for (const section of ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const)
      arr(spec[section]).forEach((r, index) => {
        if (!isObj(r)) return;
        out.push({
          path: [...path, section, index],
          section,
          direction: section.startsWith('ingress') ? 'ingress' : 'egress',
          deny: section.endsWith('Deny'),
          ...(specIndex !== undefined ? { specIndex } : {}),
          index,
          rule: r,
        });
      });
  return out;
}

/** Every `rules.http` entry of a policy, with its path. */
export function httpRules(src: PolicySource): { path: FieldPath; http: Record<string, unknown> }[] {
  const out: { path: FieldPath; http: Record<string, unknown> }[] = [];
  for (const w of writtenRules(src))
    arr(w.rule.toPorts).forEach((entry, pi) => {
      if (!isObj(entry) || !isObj(entry.rules)) return;
      arr(entry.rules.http).forEach((h, hi) => {
        if (isObj(h)) out.push({ path: [...w.path, 'toPorts', pi, 'rules', 'http', hi], http: h });
      });
    });
  return out;
}

/**
 * A quick fix that moves a policy to another namespace: rewrites `metadata.namespace`, or adds
 * it after `metadata.name` when it is missing.
 */
export function namespaceFix(src: PolicySource, namespace: string): LintFix | undefined {
  const meta = src.obj.metadata;
  if (!isObj(meta)) return undefined;
  const title = `Move the policy to namespace ${namespace}`;
  if (typeof meta.namespace === 'string') {
    const r = src.raw.locate(['metadata', 'namespace']);
    return { title, range: textRange(r), text: namespace };
  }
  if (typeof meta.name !== 'string') return undefined;
  const name = src.raw.locate(['metadata', 'name']);
  const key = src.raw.locate(['metadata', 'name'], 'key');
  const line = src.file.text.split('\n')[key.startLine - 1] ?? '';
  if (line.slice(0, key.startColumn - 1).trim() === '' && name.endLine === key.startLine)
    return {
      title,
      range: {
        startLine: key.startLine + 1,
        startColumn: 1,
        endLine: key.startLine + 1,
        endColumn: 1,
      },
      text: `${' '.repeat(key.startColumn - 1)}namespace: ${namespace}\n`,
    };
  // Flow style: `metadata: {name: x}`.
  return {
    title,
    range: {
      startLine: name.endLine,
      startColumn: name.endColumn,
      endLine: name.endLine,
      endColumn: name.endColumn,
    },
    text: `, namespace: ${namespace}`,
  };
}
