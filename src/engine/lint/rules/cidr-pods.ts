/**
 * Rule 7, `cidr-covers-pods`: an `ipBlock`, `toCIDR`/`fromCIDR` or `toCIDRSet`/`fromCIDRSet`
 * prefix that contains pod addresses of the cluster.
 *
 * 1. CIDR rules match only addresses that do not belong to Cilium-managed endpoints: a prefix
 *    that covers a pod's address does not allow (or deny) traffic with that pod, even when the
 *    pod is addressed by IP. — docs.cilium.io security/policy/language (layer3) "IP/CIDR based";
 *    brief §32.
 * 2. The same holds for a NetworkPolicy `ipBlock`, unlike some other network plugins. —
 *    docs.cilium.io network/kubernetes/policy (known deviations: "ipBlock set with a pod IP",
 *    GH #9209); brief §53.
 * 3. Node addresses are not matched either unless the agent runs with
 *    `policy-cidr-match-mode=nodes`. — docs.cilium.io security/policy/language "Selecting nodes
 *    with CIDR / ipBlock"; brief §32.
 *
 * `0.0.0.0/0` and `::/0` are usually written to mean "the internet", so for them this is only a
 * note; any narrower prefix that reaches pods is a warning.
 */
import type { Pod } from '../../cluster/model.ts';
import { cidrContains, parseCidr, parseIP, type Cidr } from '../../ip.ts';
import type { FieldPath } from '../../yaml/documents.ts';
import { arr, isObj, podName, someOf, warnAt, writtenRules } from '../context.ts';
import type { LintContext, LintRule, LintWarning, PolicySource } from '../model.ts';

interface WrittenCidr {
  path: FieldPath;
  text: string;
  except: string[];
  deny: boolean;
  direction: 'ingress' | 'egress';
}

function writtenCidrs(src: PolicySource): WrittenCidr[] {
  const out: WrittenCidr[] = [];
  if (src.policy.ref.kind === 'NetworkPolicy') {
    const spec = src.specs[0]?.spec ?? {};
    for (const direction of ['ingress', 'egress'] as const) {
      const peerKey = direction === 'ingress' ? 'from' : 'to';
      arr(spec[direction]).forEach((r, i) => {
        if (!isObj(r)) return;
        arr(r[peerKey]).forEach((peer, j) => {
          if (!isObj(peer) || !isObj(peer.ipBlock) || typeof peer.ipBlock.cidr !== 'string') return;
          out.push({
            path: ['spec', direction, i, peerKey, j, 'ipBlock', 'cidr'],
            text: peer.ipBlock.cidr,
            except: arr(peer.ipBlock.except).map(String),
            deny: false,
            direction,
          });
        });
      });
    }
    return out;
  }
  for (const w of writtenRules(src)) {
    const plain = w.direction === 'ingress' ? 'fromCIDR' : 'toCIDR';
    const set = w.direction === 'ingress' ? 'fromCIDRSet' : 'toCIDRSet';
    const base = { deny: w.deny, direction: w.direction };
    arr(w.rule[plain]).forEach((c, j) => {
      if (typeof c === 'string')
        out.push({ ...base, path: [...w.path, plain, j], text: c, except: [] });
    });
    arr(w.rule[set]).forEach((c, j) => {
      if (isObj(c) && typeof c.cidr === 'string')
        out.push({
          ...base,
          path: [...w.path, set, j, 'cidr'],
          text: c.cidr,
          except: arr(c.except).map(String),
        });
    });
  }
  return out;
}

function covers(cidr: Cidr, except: Cidr[], ip: string): boolean {
  const a = parseIP(ip);
  return a !== null && cidrContains(cidr, a) && !except.some((e) => cidrContains(e, a));
}

export const cidrPods: LintRule = {
  codes: ['cidr-covers-pods'],
  check(ctx: LintContext): LintWarning[] {
    if (!ctx.hasPods) return [];
    const { engine } = ctx;
    const managed: Pod[] = engine.cluster.pods.filter(
      (p) => p.ip !== '' && !p.hostNetwork && engine.identities.byPod.has(podName(p)),
    );
    const out: LintWarning[] = [];
    for (const src of ctx.sources)
      for (const c of writtenCidrs(src)) {
        const cidr = parseCidr(c.text, true);
        if (!cidr) continue;
        const except = c.except.map((e) => parseCidr(e, true)).filter((e): e is Cidr => !!e);
        const pods = managed.filter((p) => covers(cidr, except, p.ip));
        if (pods.length === 0) continue;
        const nodes = engine.cluster.nodes.filter((n) => covers(cidr, except, n.ip));
        const world = cidr.bits === 0;
        const peer = c.direction === 'ingress' ? 'from' : 'to';
        const effect = c.deny
          ? `so this deny rule does not stop traffic ${peer} them`
          : `so this rule does not allow traffic ${peer} them`;
        const nodeNote =
          nodes.length > 0
            ? `; it also covers node addresses (${someOf(nodes.map((n) => `${n.name} ${n.ip}`))}), which CIDR rules do not match either unless the agent runs with policy-cidr-match-mode=nodes`
            : '';
        const advice =
          src.policy.ref.kind === 'NetworkPolicy'
            ? 'select pods with podSelector/namespaceSelector'
            : `select pods with ${peer}Endpoints (or the cluster entity)`;
        out.push(
          warnAt(
            src,
            c.path,
            'cidr-covers-pods',
            world ? 'info' : 'warning',
            `${c.text} covers the addresses of ${pods.length} pod${pods.length === 1 ? '' : 's'} (${someOf(pods.map((p) => `${podName(p)} ${p.ip}`))}), but Cilium never matches pod addresses with CIDR rules, ${effect}${world ? ' (fine if only addresses outside the cluster are meant)' : ''}; ${advice}${nodeNote}`,
          ),
        );
      }
    return out;
  },
};
