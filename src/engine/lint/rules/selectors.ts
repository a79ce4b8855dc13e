/**
 * Rule 5, `selector-matches-nothing` and `policy-wrong-namespace`: selectors that select no pod
 * of the cluster, with the nearest label that exists. Cluster-aware: only run when the input
 * declares pods.
 *
 * 1. A selector is a Kubernetes LabelSelector over the pod's identity labels. — docs.cilium.io
 *    security/policy/intro "Endpoint Selector"; brief §19–21.
 * 2. Labels outside the security identity (`kubernetes.io/...`, `statefulset.kubernetes.io/
 *    pod-name`, `pod-template-hash`, ...) are dropped and never match. — docs.cilium.io
 *    operations/performance/scalability/identity-relevant-labels; brief §22.
 * 3. A CiliumNetworkPolicy's endpointSelector only ever selects pods of the policy's namespace,
 *    and its peer selectors look there too unless they name a namespace; a NetworkPolicy
 *    podSelector likewise. — docs.cilium.io security/policy/kubernetes "Namespaces"; Kubernetes
 *    docs concepts/services-networking/network-policies "NetworkPolicy resource"; brief §23–24,
 *    §51.
 *
 * Selectors of reserved identities (`reserved:host`, ...) and CIDR or FQDN labels are not pod
 * selectors and are left alone, as are selectors `label-key-typo` or `peer-and-or` already
 * explain.
 */
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_KEY, splitSourceKey } from '../../labels.ts';
import { policyName } from '../../explain.ts';
import type { CompiledSelector } from '../../selector.ts';
import {
  addMatchLabelFix,
  arr,
  isObj,
  namespaceFix,
  peerSelectors,
  selectedPodIdentities,
  specRoot,
  textRange,
  valueAt,
  warnAt,
} from '../context.ts';
import type { FieldPath } from '../../yaml/documents.ts';
import type { LintContext, LintFix, LintRule, LintWarning, PolicySource } from '../model.ts';
import { sameQuotes, textOf } from '../text.ts';
import { whyNoMatch, type LabelSuggestion } from '../why-no-match.ts';
import { keyTypoPaths } from './label-keys.ts';
import { isAndMisread } from './peer-and-or.ts';

/** Whether a compiled selector is about pods at all. */
function podSelector(sel: CompiledSelector): boolean {
  return !sel.wildcard && sel.requirements.every((r) => r.source === 'k8s' || r.source === 'any');
}

/** A written selector and how its keys map to compiled keys. */
interface Written {
  path: FieldPath;
  /** Prefix the engine puts before each key (namespace labels of a NetworkPolicy). */
  prefix: string;
}

/** A quick fix that replaces the mistyped key or value with the suggested one. */
function suggestionFix(
  src: PolicySource,
  candidates: readonly Written[],
  s: LabelSuggestion,
): LintFix | undefined {
  for (const cand of candidates) {
    const sel = valueAt(src, cand.path);
    if (!isObj(sel) || !isObj(sel.matchLabels)) continue;
    for (const [k, v] of Object.entries(sel.matchLabels)) {
      const { key } = splitSourceKey(k);
      if (cand.prefix + key !== s.requirement.key) continue;
      const path = [...cand.path, 'matchLabels', k];
      if (s.part === 'value') {
        if (String(v) !== s.from) continue;
        const r = src.raw.locate(path);
        return {
          title: `Replace ${s.from} with ${s.to}`,
          range: textRange(r),
          text: sameQuotes(textOf(src.file, r), s.to),
        };
      }
      const full = s.requirement.key.startsWith(NAMESPACE_LABELS_PREFIX)
        ? NAMESPACE_LABELS_PREFIX + s.to
        : s.to;
      const written = k.slice(0, k.length - key.length) + full.slice(cand.prefix.length);
      const r = src.raw.locate(path, 'key');
      return {
        title: `Replace ${s.from} with ${s.to}`,
        range: textRange(r),
        text: sameQuotes(textOf(src.file, r), written),
      };
    }
  }
  return undefined;
}

function subjectFindings(ctx: LintContext, src: PolicySource, skip: Set<string>): LintWarning[] {
  const { engine } = ctx;
  const out: LintWarning[] = [];
  const knp = src.policy.ref.kind === 'NetworkPolicy';
  const withSelector = knp
    ? src.specs.slice(0, 1)
    : src.specs.filter((s) => s.spec.endpointSelector != null);
  withSelector.forEach((spec, i) => {
    const compiled = src.policy.subjects[i];
    const path = knp ? ['spec', 'podSelector'] : [...specRoot(spec.specIndex), 'endpointSelector'];
    if (!compiled || !podSelector(compiled) || skip.has(JSON.stringify(path))) return;
    if (selectedPodIdentities(engine, compiled).length > 0) return;
    const why = whyNoMatch(engine, compiled.requirements);
    const ns = src.policy.ref.namespace;
    if (why.elsewhere && ns !== undefined) {
      const fix = why.elsewhere.length === 1 ? namespaceFix(src, why.elsewhere[0]!) : undefined;
      out.push(
        warnAt(
          src,
          path,
          'policy-wrong-namespace',
          'warning',
          `${policyName(src.policy.ref)} lives in namespace ${ns} and can only select pods there, so it selects none: ${why.text}; create it in ${why.elsewhere.join(' or ')} instead`,
          { part: 'key', ...(fix ? { fix } : {}) },
        ),
      );
      return;
    }
    const fix = why.suggestion
      ? suggestionFix(src, [{ path, prefix: '' }], why.suggestion)
      : undefined;
    out.push(
      warnAt(
        src,
        path,
        'selector-matches-nothing',
        'warning',
        `the ${knp ? 'podSelector' : 'endpointSelector'} selects no pod, so ${policyName(src.policy.ref)} has no effect: ${why.text}`,
        { part: 'key', ...(fix ? { fix } : {}) },
      ),
    );
  });
  return out;
}

function peerFindings(ctx: LintContext, src: PolicySource, skip: Set<string>): LintWarning[] {
  const { engine } = ctx;
  const out: LintWarning[] = [];
  const knp = src.policy.ref.kind === 'NetworkPolicy';
  const ns = src.policy.ref.namespace;
  for (const rule of src.policy.rules) {
    // DNS rules towards a selector meant for kube-dns are explained by dns-rule-misses-kube-dns.
    const dnsRule = (rule.toPorts ?? []).some((pr) => pr.l7 !== null && Array.isArray(pr.l7.dns));
    for (const peer of peerSelectors(src, rule)) {
      if (dnsRule && peer.compiled.requirements.some((r) => r.values.includes('kube-dns')))
        continue;
      const key = JSON.stringify(peer.path);
      if (skip.has(key) || !podSelector(peer.compiled)) continue;
      if (knp && isAndMisread(engine, src, peer)) continue;
      if (selectedPodIdentities(engine, peer.compiled).length > 0) continue;
      skip.add(key);
      const why = whyNoMatch(engine, peer.compiled.requirements);
      const written: Written[] = knp
        ? [
            { path: [...peer.path, 'podSelector'], prefix: '' },
            { path: [...peer.path, 'namespaceSelector'], prefix: NAMESPACE_LABELS_PREFIX },
          ]
        : [{ path: peer.path, prefix: '' }];
      let hint = '';
      let fix: LintFix | undefined;
      const namesNamespace = [
        ...Object.keys(isObj(peer.written.matchLabels) ? peer.written.matchLabels : {}),
        ...arr(peer.written.matchExpressions).map((e) => (isObj(e) ? String(e.key) : '')),
      ].some((k) => splitSourceKey(k).key === POD_NAMESPACE_KEY);
      if (why.elsewhere && namesNamespace) {
        hint = `; the namespace this selector names has none of them`;
      } else if (why.elsewhere && ns !== undefined) {
        hint = knp
          ? `; a podSelector without a namespaceSelector looks only in the policy's namespace (${ns}): add a namespaceSelector for ${why.elsewhere.join(' or ')} to the same peer item`
          : `; a selector without io.kubernetes.pod.namespace looks only in the policy's namespace (${ns}): add io.kubernetes.pod.namespace: ${why.elsewhere.join(' or ')}`;
        if (!knp && why.elsewhere.length === 1)
          fix = addMatchLabelFix(src, peer.path, POD_NAMESPACE_KEY, why.elsewhere[0]!);
      } else if (why.suggestion) fix = suggestionFix(src, written, why.suggestion);
      const what = rule.deny ? 'denies' : 'allows';
      const dir = rule.direction === 'ingress' ? 'from' : 'to';
      out.push(
        warnAt(
          src,
          peer.path,
          'selector-matches-nothing',
          'warning',
          `this peer selector matches no pod, so the rule ${what} nothing ${dir} it: ${why.text}${hint}`,
          fix ? { fix } : {},
        ),
      );
    }
  }
  return out;
}

export const selectors: LintRule = {
  codes: ['selector-matches-nothing', 'policy-wrong-namespace'],
  check(ctx: LintContext): LintWarning[] {
    if (!ctx.hasPods) return [];
    const out: LintWarning[] = [];
    for (const src of ctx.sources) {
      const typos = keyTypoPaths(src);
      const subject = subjectFindings(ctx, src, typos);
      out.push(...subject);
      // Peers of a policy in the wrong namespace are judged from the wrong namespace too.
      if (!subject.some((w) => w.code === 'policy-wrong-namespace'))
        out.push(...peerFindings(ctx, src, typos));
    }
    return out;
  },
};
