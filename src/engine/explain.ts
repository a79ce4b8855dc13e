/**
 * Explaining verdicts in words. Deciding lives in evaluate/; this module only renders.
 */
import type { PolicyRef, RuleOrigin } from './policy/model.ts';
import type { DirectionDecision } from './evaluate/decide.ts';

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
