/**
 * Rule 3, `fqdn-not-learned` and `dns-rule-misses-kube-dns`: toFQDNs needs the DNS proxy.
 *
 * 1. toFQDNs selects the addresses the DNS proxy saw in answers for matching names. A name is
 *    seen only when the pod's own DNS traffic goes through the proxy, i.e. an egress rule with
 *    `rules.dns` covers port 53 towards the DNS server and one of its matchName/matchPattern
 *    entries allows the name. — docs.cilium.io security/policy/language (layer3) "DNS based"
 *    and (layer7) "DNS Policy and IP Discovery"; brief §45, §47.
 * 2. A DNS port rule without `rules.dns` allows the lookups at L4 but does not proxy them: the
 *    lookup works and the connection afterwards is dropped. — brief §45, §47.
 * 3. A name the DNS rules refuse is never learned, even when toFQDNs would cover it. — brief §47.
 * 4. `rules.dns` only applies to traffic this rule allows: when its toEndpoints select no
 *    kube-dns pod (typically `k8s-app: kube-dns` without the kube-system namespace in a
 *    CiliumNetworkPolicy) the lookups it was meant to proxy go nowhere. — docs.cilium.io
 *    security/policy/kubernetes "Namespaces"; brief §24, §48.
 *
 * Checked with the engine's own probe: for each subject pod identity, a DNS query from one of
 * its pods for a name the toFQDNs entry covers (a `*` stands for `x`). A bare `matchPattern:
 * "*"` is only reported when lookups bypass the proxy or are dropped, since DNS rules that allow
 * fewer names are then the intended limit.
 */
import { policyName } from '../../explain.ts';
import { normaliseName } from '../../l7/dns.ts';
import type { FqdnSelector, Rule } from '../../policy/model.ts';
import {
  addMatchLabelFix,
  arr,
  clusterFacts,
  isObj,
  peerSelectors,
  podName,
  rulePathOf,
  selectedPodIdentities,
  someOf,
  valueAt,
  warnAt,
} from '../context.ts';
import type { LintContext, LintRule, LintWarning, PolicySource } from '../model.ts';

/** A name the selector covers: the name itself, or the pattern with `*` as `x`. */
function sampleName(sel: FqdnSelector): string | undefined {
  if (sel.matchName !== undefined) return normaliseName(sel.matchName);
  if (sel.matchPattern === undefined) return undefined;
  const p = normaliseName(sel.matchPattern);
  return p === '*.' ? 'example.com.' : p.replace(/\*/g, 'x');
}

type Outcome = 'dropped' | 'refused' | 'not-proxied' | 'learned';

function fqdnFindings(ctx: LintContext, src: PolicySource, rule: Rule): LintWarning[] {
  const { engine } = ctx;
  const facts = clusterFacts(engine);
  const subjects = selectedPodIdentities(engine, rule.subject);
  const out: LintWarning[] = [];
  const rp = rulePathOf(rule.origin);
  arr(valueAt(src, [...rp, 'toFQDNs'])).forEach((item, j) => {
    if (!isObj(item)) return;
    const sel: FqdnSelector = {
      ...(typeof item.matchName === 'string' ? { matchName: item.matchName } : {}),
      ...(typeof item.matchPattern === 'string' ? { matchPattern: item.matchPattern } : {}),
    };
    const name = sampleName(sel);
    if (!name) return;
    const wildcard = sel.matchPattern !== undefined && normaliseName(sel.matchPattern) === '*.';
    const byOutcome = new Map<Outcome, string[]>();
    for (const ident of subjects) {
      const pods = facts.podsOf.get(ident.index) ?? [];
      if (!pods[0]) continue;
      const r = engine.probe({
        id: 'lint-fqdn',
        from: podName(pods[0]),
        to: 'svc:kube-system/kube-dns',
        port: 53,
        protocol: 'UDP',
        dns: { query: name },
      });
      if (r.error) continue;
      const outcome: Outcome =
        r.verdict === 'denied'
          ? r.l7
            ? 'refused'
            : 'dropped'
          : r.l7?.egress?.set.protocols.includes('dns')
            ? 'learned'
            : 'not-proxied';
      if (outcome === 'learned' || (wildcard && outcome === 'refused')) continue;
      const list = byOutcome.get(outcome) ?? [];
      list.push(...pods.map(podName));
      byOutcome.set(outcome, list);
    }
    const shown = name.slice(0, -1);
    const field = sel.matchName !== undefined ? 'matchName' : 'matchPattern';
    for (const [outcome, pods] of byOutcome) {
      const who = someOf([...new Set(pods)].sort());
      const why =
        outcome === 'not-proxied'
          ? `DNS to kube-dns is allowed without a rules.dns entry, so the lookups bypass the DNS proxy and Cilium never learns the addresses of ${shown}; give the port 53 rule \`rules: {dns: [{matchPattern: "*"}]}\` (or a pattern that covers ${shown})`
          : outcome === 'refused'
            ? `the DNS rules that apply do not allow ${shown}, so the DNS proxy refuses the lookup and its addresses are never learned; add a rules.dns matchName or matchPattern that covers it`
            : `lookups of ${shown} are dropped before they reach kube-dns, so the DNS proxy never sees them and no address is learned; allow egress to kube-dns on port 53 with rules.dns`;
      out.push(
        warnAt(
          src,
          [...rp, 'toFQDNs', j, field],
          'fqdn-not-learned',
          'warning',
          `toFQDNs ${field} "${sel[field]}" does not work for ${who}: ${why}`,
        ),
      );
    }
  });
  return out;
}

function dnsPeerFindings(ctx: LintContext, src: PolicySource, rule: Rule): LintWarning[] {
  const { engine } = ctx;
  const hasDnsRules = (rule.toPorts ?? []).some(
    (pr) => pr.l7 !== null && Array.isArray(pr.l7.dns) && pr.l7.dns.length > 0,
  );
  // Only rules that name endpoints: DNS to an outside resolver by CIDR is a different design.
  if (!hasDnsRules || rule.endpoints.length === 0 || rule.aggregated.length > 0) return [];
  const facts = clusterFacts(engine);
  const subject = selectedPodIdentities(engine, rule.subject)[0];
  if (!subject || facts.kubeDns.length === 0) return [];
  const compiled = engine.index.view(subject.index, 'egress').allow.find((cr) => cr.rule === rule);
  if (!compiled || facts.kubeDns.some((i) => compiled.peers.has(i.index))) return [];
  const rp = rulePathOf(rule.origin);
  const namespaced = src.policy.ref.kind === 'CiliumNetworkPolicy';
  // The usual slip: `k8s-app: kube-dns` without the namespace.
  const slip = peerSelectors(src, rule).find(
    (p) =>
      p.compiled.requirements.some(
        (q) => q.key === 'k8s-app' && q.op === 'In' && q.values.includes('kube-dns'),
      ) &&
      !Object.keys(isObj(p.written.matchLabels) ? p.written.matchLabels : {}).some((k) =>
        k.endsWith('io.kubernetes.pod.namespace'),
      ),
  );
  const fix =
    slip && namespaced
      ? addMatchLabelFix(src, [...slip.path], 'io.kubernetes.pod.namespace', 'kube-system')
      : undefined;
  const hint = slip
    ? namespaced
      ? ` (the selector names k8s-app: kube-dns without a namespace, so it looks in ${src.policy.ref.namespace ?? 'the policy namespace'}; add io.kubernetes.pod.namespace: kube-system)`
      : ' (the selector names k8s-app: kube-dns but matches no kube-dns pod)'
    : '';
  return [
    warnAt(
      src,
      [...rp, 'toEndpoints'],
      'dns-rule-misses-kube-dns',
      'warning',
      `the DNS rules of this rule in ${policyName(src.policy.ref)} only apply to traffic to its toEndpoints, and these select no kube-dns pod${hint}: lookups sent to kube-dns never go through these DNS rules`,
      { part: 'key', ...(fix ? { fix } : {}) },
    ),
  ];
}

export const fqdnDns: LintRule = {
  codes: ['fqdn-not-learned', 'dns-rule-misses-kube-dns'],
  check(ctx: LintContext): LintWarning[] {
    if (!ctx.hasPods) return [];
    const out: LintWarning[] = [];
    for (const src of ctx.sources) {
      if (src.policy.ref.kind === 'NetworkPolicy') continue;
      for (const rule of src.policy.rules) {
        if (rule.direction !== 'egress' || rule.deny) continue;
        if (rule.fqdns.length > 0) out.push(...fqdnFindings(ctx, src, rule));
        out.push(...dnsPeerFindings(ctx, src, rule));
      }
    }
    return out;
  },
};
