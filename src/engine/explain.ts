/**
 * Explaining verdicts in words. Deciding lives in evaluate/; this module only renders.
 */
import type { PolicyRef, RuleOrigin } from './policy/model.ts';
import type { DirectionDecision } from './evaluate/decide.ts';
import type { ProbeResult } from './evaluate/probe.ts';

/** `CiliumNetworkPolicy db/lock-db`, `CiliumClusterwideNetworkPolicy zero-trust`. */
export function policyName(ref: PolicyRef): string {
  return ref.namespace !== undefined
    ? `${ref.kind} ${ref.namespace}/${ref.name}`
    : `${ref.kind} ${ref.name}`;
}

/** `spec.ingress[0]`, `specs[1].egressDeny[2]`, `spec.ingress[0].from[1]`. */
export function rulePath(o: RuleOrigin): string {
  const root = o.specIndex !== undefined ? `specs[${o.specIndex}]` : 'spec';
  if (o.index < 0) return `${root}.policyTypes`;
  const peer =
    o.peerIndex !== undefined ? `.${o.section === 'ingress' ? 'from' : 'to'}[${o.peerIndex}]` : '';
  return `${root}.${o.section}[${o.index}]${peer}`;
}

/** One rule with its place: `CiliumNetworkPolicy db/lock-db spec.ingress[0] (db.yaml:9:7)`. */
export function describeRule(o: RuleOrigin): string {
  return `${policyName(o.policy)} ${rulePath(o)} (${o.range.file}:${o.range.startLine}:${o.range.startColumn})`;
}

function uniquePolicies(origins: RuleOrigin[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const o of origins) {
    const n = policyName(o.policy);
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out.join(', ');
}

/** A sentence for one direction's decision. `who` names the deciding endpoint. */
export function explainDirection(d: DirectionDecision, who: string, what: string): string {
  switch (d.reason) {
    case 'no-policy':
      return `${d.direction} of ${who}: no policy selects it for ${d.direction}, so everything is allowed`;
    case 'deny-rule':
      return `${d.direction} of ${who}: denied by ${d.rules.map(describeRule).join('; ')}`;
    case 'local-host':
      return `${d.direction} of ${who}: traffic from the local node is always allowed (allow-localhost)`;
    case 'no-default-deny':
      return `${d.direction} of ${who}: selected, but no selecting rule enables default deny for ${d.direction}, so it is allowed`;
    case 'allow-rule':
      return `${d.direction} of ${who}: allowed by ${d.rules.map(describeRule).join('; ')}`;
    case 'default-deny':
      return `${d.direction} of ${who}: default deny (selected by ${uniquePolicies(d.enforcedBy)}), and no rule allows ${what}`;
  }
}

/**
 * The policies that decided a probe, by name, sorted: for a denial only the side (or proxy) that
 * refused, for an allowed connection every rule that allowed it, including L7 rules and the DNS
 * lookup of an `fqdn:` probe. Empty when no policy was involved.
 */
export function decidingPolicies(r: ProbeResult): string[] {
  const out = new Set<string>();
  const add = (o: RuleOrigin) => out.add(policyName(o.policy));
  const denied = r.verdict === 'denied';
  for (const d of [r.egress, r.ingress]) {
    if (!d || (denied && d.allowed)) continue;
    if (d.reason === 'deny-rule' || d.reason === 'allow-rule') d.rules.forEach(add);
    else if (d.reason === 'default-deny') d.enforcedBy.forEach(add);
  }
  for (const c of [r.l7?.egress, r.l7?.ingress]) {
    if (!c) continue;
    if (c.allowed) {
      if (!denied) c.allowedBy.forEach(add);
    } else for (const ref of [...c.set.http, ...c.set.dns, ...c.set.kafka]) add(ref.origin);
  }
  if (r.lookup?.query && (!denied || r.lookup.query.verdict === 'denied'))
    for (const n of decidingPolicies(r.lookup.query)) out.add(n);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
