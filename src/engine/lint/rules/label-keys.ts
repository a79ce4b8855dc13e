/**
 * Rule 5b, `label-key-typo`: selector keys in a Cilium policy that look like a misspelt source
 * prefix or a misspelt well-known key, so that they match nothing.
 *
 * 1. A key may carry a label source before a colon: `k8s:app`, `reserved:host`, `any:app`.
 *    Kubernetes label keys cannot contain a colon, so `k8s.io.kubernetes.pod.namespace` (a dot
 *    instead of the colon) or `k8:app` is a different, non-existent label. — Cilium
 *    pkg/labels/labels.go `GetExtendedKeyFrom`; brief §20.
 * 2. The keys Cilium adds to every pod are exact: `io.kubernetes.pod.namespace`,
 *    `io.cilium.k8s.policy.serviceaccount`, `io.cilium.k8s.policy.cluster` and
 *    `io.cilium.k8s.namespace.labels.<key>`. — docs.cilium.io security/policy/kubernetes
 *    "Namespaces", "ServiceAccounts", "Multi-Cluster"; brief §21.
 * 3. `reserved:` names are fixed: host, world, remote-node, kube-apiserver, health, init,
 *    ingress, unmanaged. — docs.cilium.io security/policy/language (layer3) "Entities based".
 *
 * The check is textual and runs without a cluster. Kubernetes NetworkPolicy selectors are left
 * out: their keys are plain label keys, checked by the API server.
 */
import {
  CLUSTER_KEY,
  NAMESPACE_LABELS_PREFIX,
  POD_NAMESPACE_KEY,
  SERVICE_ACCOUNT_KEY,
} from '../../labels.ts';
import type { FieldPath } from '../../yaml/documents.ts';
import { arr, isObj, textRange, warnAt, writtenRules } from '../context.ts';
import type { LintContext, LintRule, LintWarning, PolicySource } from '../model.ts';
import { editDistance, nearest, sameQuotes, textOf } from '../text.ts';

const SOURCES = ['any', 'k8s', 'reserved', 'cidr', 'fqdn', 'container', 'unspec', 'kvstore'];
const SPECIAL_KEYS = [POD_NAMESPACE_KEY, SERVICE_ACCOUNT_KEY, CLUSTER_KEY];
const RESERVED = [
  'host',
  'world',
  'remote-node',
  'kube-apiserver',
  'health',
  'init',
  'ingress',
  'unmanaged',
];

/** A well-known key the author probably meant, or undefined. */
function fixSpecialKey(key: string): string | undefined {
  if (SPECIAL_KEYS.includes(key) || key.startsWith(NAMESPACE_LABELS_PREFIX)) return undefined;
  if (!/^io[.]?(kubernetes|cilium|k8s)/.test(key)) return undefined;
  const m = /^io\.cilium\.k8s\.namespace\.([^.]+)\.(.+)$/.exec(key);
  if (m && editDistance(m[1]!, 'labels', 2) <= 2) return `${NAMESPACE_LABELS_PREFIX}${m[2]}`;
  return nearest(key, SPECIAL_KEYS);
}

/** The key the author probably meant, or undefined when `raw` looks intended. */
export function correctedKey(raw: string): string | undefined {
  const colon = raw.indexOf(':');
  if (colon >= 0) {
    const source = raw.slice(0, colon);
    const key = raw.slice(colon + 1);
    if (!SOURCES.includes(source)) {
      const s = nearest(source, ['k8s', 'any', 'reserved']);
      return s ? (correctedKey(`${s}:${key}`) ?? `${s}:${key}`) : undefined;
    }
    if (source === 'reserved') {
      if (RESERVED.includes(key)) return undefined;
      const n = nearest(key, RESERVED);
      return n ? `reserved:${n}` : undefined;
    }
    const fixed = fixSpecialKey(key);
    return fixed ? `${source}:${fixed}` : undefined;
  }
  // `k8s.` or `k8s-` where the source colon belongs.
  const m = /^k8s[.\-_](.+)$/.exec(raw);
  if (m) {
    const rest = m[1]!;
    const special = SPECIAL_KEYS.includes(rest) || rest.startsWith(NAMESPACE_LABELS_PREFIX);
    const fixed = special ? rest : fixSpecialKey(rest);
    if (fixed) return `k8s:${fixed}`;
  }
  return fixSpecialKey(raw);
}

/** Every selector of a Cilium policy as written, with its path. */
function writtenSelectors(src: PolicySource): FieldPath[] {
  const out: FieldPath[] = [];
  for (const { spec, path } of src.specs)
    if (isObj(spec.endpointSelector)) out.push([...path, 'endpointSelector']);
  for (const w of writtenRules(src))
    for (const key of ['fromEndpoints', 'toEndpoints', 'fromRequires', 'toRequires'])
      arr(w.rule[key]).forEach((s, j) => {
        if (isObj(s)) out.push([...w.path, key, j]);
      });
  return out;
}

interface Typo {
  selector: FieldPath;
  path: FieldPath;
  part: 'key' | 'value';
  written: string;
  meant: string;
}

function typos(src: PolicySource): Typo[] {
  if (src.policy.ref.kind === 'NetworkPolicy') return [];
  const out: Typo[] = [];
  for (const selPath of writtenSelectors(src)) {
    const sel = selPath.reduce<unknown>(
      (v, seg) => (isObj(v) ? v[seg as string] : Array.isArray(v) ? v[seg as number] : undefined),
      src.obj,
    );
    if (!isObj(sel)) continue;
    if (isObj(sel.matchLabels))
      for (const k of Object.keys(sel.matchLabels)) {
        const meant = correctedKey(k);
        if (meant)
          out.push({
            selector: selPath,
            path: [...selPath, 'matchLabels', k],
            part: 'key',
            written: k,
            meant,
          });
      }
    arr(sel.matchExpressions).forEach((e, i) => {
      if (!isObj(e) || typeof e.key !== 'string') return;
      const meant = correctedKey(e.key);
      if (meant)
        out.push({
          selector: selPath,
          path: [...selPath, 'matchExpressions', i, 'key'],
          part: 'value',
          written: e.key,
          meant,
        });
    });
  }
  return out;
}

/** Paths (as JSON) of the selectors that have a mistyped key, for other rules to skip. */
export function keyTypoPaths(src: PolicySource): Set<string> {
  return new Set(typos(src).map((t) => JSON.stringify(t.selector)));
}

export const labelKeys: LintRule = {
  codes: ['label-key-typo'],
  check(ctx: LintContext): LintWarning[] {
    const out: LintWarning[] = [];
    for (const src of ctx.sources)
      for (const t of typos(src)) {
        const r = src.raw.locate(t.path, t.part);
        out.push(
          warnAt(
            src,
            t.path,
            'label-key-typo',
            'warning',
            `"${t.written}" is not a label any endpoint has, so this selector matches nothing; did you mean "${t.meant}"?`,
            {
              part: t.part,
              fix: {
                title: `Replace ${t.written} with ${t.meant}`,
                range: textRange(r),
                text: sameQuotes(textOf(src.file, r), t.meant),
              },
            },
          ),
        );
      }
    return out;
  },
};
