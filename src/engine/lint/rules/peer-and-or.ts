/**
 * Rule 6, `peer-and-or`: a namespace selector and a pod selector combined the other way round
 * from what was probably meant. A heuristic, judged against the cluster; both readings are
 * spelled out in the message.
 *
 * 1. In a NetworkPolicy peer, `namespaceSelector` and `podSelector` in one item are ANDed (pods
 *    matching the podSelector inside namespaces matching the namespaceSelector); in two items
 *    of the `from`/`to` list they are ORed. — Kubernetes docs concepts/services-networking/
 *    network-policies "Behavior of to and from selectors"; brief §51.
 * 2. Cilium peer lists work the same way: the keys of one selector are ANDed, the items of
 *    `fromEndpoints`/`toEndpoints` are ORed, and an item without a namespace key looks in the
 *    policy's namespace. — docs.cilium.io security/policy/language (layer3) "Endpoints Based";
 *    brief §17, §24.
 *
 * Reported:
 * - AND (one item) where no pod matches both parts but each part alone matches some pods:
 *   probably meant as OR. A warning: the peer admits nothing as written.
 * - OR (two items, one only about namespaces, one only about pod labels) where pods with those
 *   labels do run in those namespaces: probably meant as AND. Only a note, since "that whole
 *   namespace, or these pods here" is a legitimate policy too.
 */
import type { Engine } from '../../engine.ts';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_KEY } from '../../labels.ts';
import {
  knpNamespaceRequirements,
  knpPodRequirements,
  nsReq,
  NS_EXISTS,
} from '../../policy/normalise.ts';
import { compileRequirements } from '../../selector.ts';
import {
  arr,
  isObj,
  peerSelectors,
  rulePathOf,
  selectedPods,
  someOf,
  podName,
  valueAt,
  warnAt,
  type PeerSelectorSource,
} from '../context.ts';
import type { LintContext, LintRule, LintWarning, PolicySource } from '../model.ts';

type Obj = Record<string, unknown>;

const brief = (v: unknown): string => JSON.stringify(v).replace(/"/g, '');

/**
 * Whether a NetworkPolicy peer with both selectors matches no pod although each part alone (the
 * namespaces, and the podSelector in the policy's namespace) does.
 */
export function isAndMisread(engine: Engine, src: PolicySource, peer: PeerSelectorSource): boolean {
  const ns = src.policy.ref.namespace;
  const { written } = peer;
  if (ns === undefined || written.namespaceSelector == null || written.podSelector == null)
    return false;
  const podReqs = knpPodRequirements(written.podSelector);
  if (podReqs.length === 0) return false;
  // With both selectors in one item, the compiled peer is the AND reading itself.
  if (selectedPods(engine, peer.compiled).length > 0) return false;
  const namespaces = compileRequirements(knpNamespaceRequirements(written.namespaceSelector));
  return (
    selectedPods(engine, namespaces).length > 0 &&
    selectedPods(engine, compileRequirements([...podReqs, nsReq(ns)])).length > 0
  );
}

function knpFindings(ctx: LintContext, src: PolicySource): LintWarning[] {
  const { engine } = ctx;
  const ns = src.policy.ref.namespace ?? 'default';
  const out: LintWarning[] = [];
  const seenRules = new Set<string>();
  for (const rule of src.policy.rules) {
    // AND read where OR was meant: one peer item at a time.
    for (const peer of peerSelectors(src, rule)) {
      if (!isAndMisread(engine, src, peer)) continue;
      const nsPods = selectedPods(
        engine,
        compileRequirements(knpNamespaceRequirements(peer.written.namespaceSelector)),
      ).map(podName);
      const podPods = selectedPods(
        engine,
        compileRequirements([...knpPodRequirements(peer.written.podSelector), nsReq(ns)]),
      ).map(podName);
      out.push(
        warnAt(
          src,
          peer.path,
          'peer-and-or',
          'warning',
          `namespaceSelector and podSelector in one peer item are ANDed: pods matching podSelector ${brief(peer.written.podSelector)} inside namespaces matching namespaceSelector ${brief(peer.written.namespaceSelector)}, and no pod is both, so this peer matches nothing. Written as two items (a dash before each selector) they would be ORed: every pod in those namespaces (${someOf(nsPods)}) or the podSelector's pods in ${ns} (${someOf(podPods)})`,
        ),
      );
    }
    // OR read where AND was meant: two items of the same list.
    if (rule.origin.peerIndex === undefined) continue;
    const listPath = rulePathOf({ ...rule.origin, peerIndex: undefined });
    const listKey = rule.direction === 'ingress' ? 'from' : 'to';
    const id = JSON.stringify(listPath);
    if (seenRules.has(id)) continue;
    seenRules.add(id);
    const items = arr(valueAt(src, [...listPath, listKey]));
    items.forEach((a, i) => {
      if (!isObj(a) || a.podSelector != null || !isObj(a.namespaceSelector)) return;
      const nsReqs = knpNamespaceRequirements(a.namespaceSelector);
      if (nsReqs[0] === NS_EXISTS) return;
      items.forEach((b, j) => {
        if (!isObj(b) || b.namespaceSelector != null || !isObj(b.podSelector)) return;
        const podReqs = knpPodRequirements(b.podSelector);
        if (podReqs.length === 0) return;
        const and = selectedPods(engine, compileRequirements([...nsReqs, ...podReqs])).map(podName);
        if (and.length === 0) return;
        out.push(
          warnAt(
            src,
            [...listPath, listKey, j],
            'peer-and-or',
            'info',
            `${listKey}[${i}] (namespaceSelector ${brief(a.namespaceSelector)}) and ${listKey}[${j}] (podSelector ${brief(b.podSelector)}) are separate items, so they are ORed: every pod of those namespaces, or the podSelector's pods in ${ns}. If you meant only the podSelector's pods inside those namespaces (${someOf(and)}), put both selectors in one item, without a dash before podSelector`,
          ),
        );
      });
    });
  }
  return out;
}

/** Whether a written Cilium selector names only namespaces (and is not empty). */
function namespaceOnly(sel: Obj): boolean {
  const keys = isObj(sel.matchLabels) ? Object.keys(sel.matchLabels) : [];
  return (
    keys.length > 0 &&
    arr(sel.matchExpressions).length === 0 &&
    keys.every((k) => {
      const key = k.includes(':') ? k.slice(k.indexOf(':') + 1) : k;
      return key === POD_NAMESPACE_KEY || key.startsWith(NAMESPACE_LABELS_PREFIX);
    })
  );
}

function podOnly(sel: Obj): boolean {
  const keys = [
    ...(isObj(sel.matchLabels) ? Object.keys(sel.matchLabels) : []),
    ...arr(sel.matchExpressions).map((e) => (isObj(e) ? String(e.key) : '')),
  ];
  return (
    keys.length > 0 &&
    keys.every((k) => {
      const key = k.includes(':') ? k.slice(k.indexOf(':') + 1) : k;
      return key !== POD_NAMESPACE_KEY && !key.startsWith(NAMESPACE_LABELS_PREFIX);
    })
  );
}

function ciliumFindings(ctx: LintContext, src: PolicySource): LintWarning[] {
  const { engine } = ctx;
  const ns = src.policy.ref.namespace;
  const out: LintWarning[] = [];
  for (const rule of src.policy.rules) {
    const peers = peerSelectors(src, rule);
    for (const a of peers) {
      if (!namespaceOnly(a.written)) continue;
      for (const b of peers) {
        if (a === b || !podOnly(b.written)) continue;
        const aReqs = a.compiled.requirements;
        const bReqs = b.compiled.requirements.filter((r) => r.key !== POD_NAMESPACE_KEY);
        const and = selectedPods(engine, compileRequirements([...aReqs, ...bReqs])).map(podName);
        if (and.length === 0) continue;
        const where = ns !== undefined ? `in ${ns}, the policy's namespace` : 'in any namespace';
        out.push(
          warnAt(
            src,
            b.path,
            'peer-and-or',
            'info',
            `${brief(a.written.matchLabels)} and ${brief(b.written.matchLabels ?? b.written)} are separate selectors, so they are ORed: every pod of that namespace, or pods with these labels ${where}. If you meant only the labelled pods inside that namespace (${someOf(and)}), put all the labels in one selector`,
          ),
        );
      }
    }
  }
  return out;
}

export const peerAndOr: LintRule = {
  codes: ['peer-and-or'],
  check(ctx: LintContext): LintWarning[] {
    if (!ctx.hasPods) return [];
    return ctx.sources.flatMap((src) =>
      src.policy.ref.kind === 'NetworkPolicy' ? knpFindings(ctx, src) : ciliumFindings(ctx, src),
    );
  },
};
