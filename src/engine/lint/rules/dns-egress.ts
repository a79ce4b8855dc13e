/**
 * Rule 2, `egress-without-dns` and `kube-dns-ingress-blocked`: pods that can no longer resolve
 * names. Cluster-aware: every pod identity whose egress is in default deny is probed against the
 * cluster DNS service on 53/UDP with the engine's own decision.
 *
 * 1. Once any selecting rule has an egress section, everything not allowed is dropped, DNS
 *    included. — docs.cilium.io security/policy/intro "Endpoint default policy"; Kubernetes
 *    docs concepts/services-networking/network-policies "Default deny all egress traffic" (a
 *    default-deny egress policy needs DNS allowed separately); brief §8.
 * 2. From a CiliumNetworkPolicy, kube-dns is reached only with `io.kubernetes.pod.namespace:
 *    kube-system` in the selector: without it the selector looks in the policy's namespace. —
 *    docs.cilium.io security/policy/kubernetes "Namespaces"; brief §24, §48.
 * 3. A connection needs both ends: a policy that isolates kube-dns's ingress (typically a
 *    clusterwide `endpointSelector: {}`) breaks DNS for the pods it does not let in. — brief §1,
 *    §25.
 * 4. Pods whose egress allows nothing at all (`egress: [{}]`) are cut off on purpose; they are
 *    not reported. A connection the source pod makes to itself is never the question here.
 */
import { policyName } from '../../explain.ts';
import type { RuleOrigin } from '../../policy/model.ts';
import { policyKey } from '../../policy/normalise.ts';
import { clusterFacts, podName, someOf, specRoot, warnAt } from '../context.ts';
import type { LintContext, LintRule, LintWarning, PolicySource } from '../model.ts';

const DNS_ADVICE =
  'allow egress to kube-dns on port 53 (UDP and TCP): in a CiliumNetworkPolicy a toEndpoints selector with io.kubernetes.pod.namespace: kube-system and k8s-app: kube-dns; in a NetworkPolicy a peer with namespaceSelector kubernetes.io/metadata.name: kube-system and podSelector k8s-app: kube-dns';

/** Where to place a warning about a rule's policy: its section key, or policyTypes. */
function sectionPath(o: RuleOrigin): (string | number)[] {
  const root = specRoot(o.specIndex);
  return o.index < 0 ? [...root, 'policyTypes'] : [...root, o.section];
}

export const dnsEgress: LintRule = {
  codes: ['egress-without-dns', 'kube-dns-ingress-blocked'],
  check(ctx: LintContext): LintWarning[] {
    if (!ctx.hasPods) return [];
    const { engine } = ctx;
    const facts = clusterFacts(engine);
    const svc = engine.cluster.services.find(
      (s) => s.namespace === 'kube-system' && s.name === 'kube-dns',
    );
    if (!svc || facts.kubeDns.length === 0) return [];
    const dnsIdentities = new Set(facts.kubeDns.map((i) => i.index));
    const bySource = new Map(ctx.sources.map((s) => [s.policy.key, s]));
    /** Policy key → the origin to place the warning at, the pods affected, why (egress). */
    type Hit = { origin: RuleOrigin; pods: string[]; hint: string };
    const egressHits = new Map<string, Hit>();
    const ingressHits = new Map<string, Hit>();
    const record = (
      hits: Map<string, Hit>,
      origins: readonly RuleOrigin[],
      names: string[],
      hint = '',
    ) => {
      for (const o of origins) {
        const key = policyKey(o.policy);
        const hit = hits.get(key);
        if (hit) hit.pods.push(...names);
        else hits.set(key, { origin: o, pods: [...names], hint });
      }
    };

    for (const ident of facts.podIdentities) {
      if (dnsIdentities.has(ident.index)) continue;
      const view = engine.index.view(ident.index, 'egress');
      const pods = facts.podsOf.get(ident.index) ?? [];
      const pod = pods[0];
      if (!pod) continue;
      const cutOff = view.allow.every(
        (cr) => cr.peers.isEmpty() && cr.cidrs.length === 0 && cr.rule.fqdns.length === 0,
      );
      if (view.enforcing.length > 0 && cutOff) continue;
      const r = engine.probe({
        id: 'lint-dns',
        from: podName(pod),
        to: 'svc:kube-system/kube-dns',
        port: 53,
        protocol: 'UDP',
      });
      if (r.error || r.verdict === 'allowed') continue;
      const names = pods.map(podName);
      if (r.egress && !r.egress.allowed) {
        const origins = r.egress.reason === 'deny-rule' ? r.egress.rules : r.egress.enforcedBy;
        // A rule that names kube-dns but finds none: the usual missing namespace.
        const namesKubeDns = view.allow.some((cr) =>
          cr.rule.endpoints.some((s) =>
            s.requirements.some((q) => q.key === 'k8s-app' && q.values.includes('kube-dns')),
          ),
        );
        const hint =
          r.egress.reason === 'deny-rule'
            ? 'a deny rule drops it'
            : namesKubeDns
              ? "a rule names k8s-app: kube-dns but selects no kube-dns pod: without io.kubernetes.pod.namespace (CiliumNetworkPolicy) or a namespaceSelector (NetworkPolicy) a selector looks only in the policy's own namespace"
              : 'no egress rule allows it';
        record(egressHits, origins, names, hint);
      } else if (r.ingress && !r.ingress.allowed) {
        const origins = r.ingress.reason === 'deny-rule' ? r.ingress.rules : r.ingress.enforcedBy;
        record(ingressHits, origins, names);
      }
    }

    const out: LintWarning[] = [];
    const report = (
      hits: Map<string, Hit>,
      code: 'egress-without-dns' | 'kube-dns-ingress-blocked',
      says: (src: PolicySource, pods: string[], hit: Hit) => string,
    ) => {
      for (const [key, hit] of hits) {
        const src = bySource.get(key);
        if (!src) continue;
        const pods = [...new Set(hit.pods)].sort();
        out.push(
          warnAt(src, sectionPath(hit.origin), code, 'warning', says(src, pods, hit), {
            part: 'key',
          }),
        );
      }
    };
    report(
      egressHits,
      'egress-without-dns',
      (src, pods, hit) =>
        `${policyName(src.policy.ref)} puts the egress of ${someOf(pods)} into default deny, and they cannot reach kube-dns on 53/UDP (${hit.hint}), so every DNS lookup they make fails; ${DNS_ADVICE}`,
    );
    report(
      ingressHits,
      'kube-dns-ingress-blocked',
      (src, pods) =>
        `${policyName(src.policy.ref)} selects the kube-dns pods for ingress and does not let ${someOf(pods)} in on 53/UDP, so their DNS lookups fail; exclude kube-system from the endpointSelector (e.g. io.kubernetes.pod.namespace NotIn [kube-system]) or allow DNS into kube-dns`,
    );
    return out;
  },
};
