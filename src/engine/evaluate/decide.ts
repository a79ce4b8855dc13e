/**
 * Stage 5: decide one direction of one connection.
 *
 * Order of checks, per direction (semantics brief):
 *   1. No rule selects the endpoint in this direction → allowed (§7).
 *   2. A deny rule matches peer and port → denied; deny beats allow whatever the kind (§16).
 *   3. Ingress from the local node → allowed (`allow-localhost`, §14).
 *   4. No selecting rule asks for default deny (only empty sections or
 *      `enableDefaultDeny: false`) → allowed (§9, §11).
 *   5. An allow rule matches peer and port → allowed (§15, §17).
 *   6. Otherwise → denied by default deny (§8).
 */
import type { Identity } from '../identity.ts';
import { cidrContains, type IpAddr } from '../ip.ts';
import { selectorMatches } from '../l7/dns.ts';
import type { PortRule, PortSpec, RuleOrigin } from '../policy/model.ts';
import type { Direction, Protocol } from '../types.ts';
import type { CompiledRule, DirectionPolicy } from './policy-index.ts';

/** The other end of the connection, as the deciding endpoint sees it. */
export interface PeerRef {
  identity: Identity;
  /** The address, for world peers (CIDR rules match only those). */
  ip?: IpAddr;
  /** True for addresses outside the cluster's endpoints and nodes. */
  world: boolean;
  /** True when the peer is the node the deciding endpoint runs on. */
  localHost: boolean;
  /** For a world address: the names it was learned under through the DNS proxy (§47). */
  fqdnNames?: string[];
}

/** Resolves a named port for this direction: does `name` mean `port`/`protocol` here? */
export type NamedPortResolver = (name: string, port: number, protocol: Protocol) => boolean;

/** Why a direction decided as it did. */
export type DirectionReason =
  'no-policy' | 'deny-rule' | 'local-host' | 'no-default-deny' | 'allow-rule' | 'default-deny';

/** The decision for one direction, with the rules behind it. */
export interface DirectionDecision {
  direction: Direction;
  allowed: boolean;
  reason: DirectionReason;
  /** Rules that allowed (allow-rule) or denied (deny-rule) the connection. */
  rules: RuleOrigin[];
  /** Rules that put the endpoint into default deny (for default-deny explanations). */
  enforcedBy: RuleOrigin[];
  /** The matching `toPorts` entries of allowing rules. */
  portRules: PortRule[];
  /**
   * Every allow rule that matched peer and port, with the `toPorts` entries that covered the
   * port (null: the rule has no L4 part). The L7 stage reads its rules from here. Filled for
   * `allow-rule`, and for `no-default-deny` too, where L7 rules still apply (§12).
   */
  matches: AllowMatch[];
}

/** One allow rule that matched a connection. */
export interface AllowMatch {
  origin: RuleOrigin;
  /** Whether the rule puts its subject into default deny (false: `enableDefaultDeny: false`). */
  enforces: boolean;
  portRules: { entry: PortRule; portIndex: number }[] | null;
}

export function portSpecMatches(
  spec: PortSpec,
  port: number,
  protocol: Protocol,
  named: NamedPortResolver,
): boolean {
  if (spec.protocol !== 'ANY' && spec.protocol !== protocol) return false;
  if (spec.name !== undefined) return named(spec.name, port, protocol);
  if (spec.port === 0) return true;
  return port >= spec.port && port <= spec.endPort;
}

/** The `toPorts` entries of a rule that cover the port; null when the rule has no L4 part. */
function matchingPortRules(
  toPorts: PortRule[] | null,
  port: number,
  protocol: Protocol,
  named: NamedPortResolver,
): PortRule[] | null {
  if (toPorts === null) return null;
  return toPorts.filter((pr) => pr.ports.some((s) => portSpecMatches(s, port, protocol, named)));
}

function peerMatches(cr: CompiledRule, peer: PeerRef): boolean {
  if (cr.peers.has(peer.identity.index)) return true;
  if (!peer.world || !peer.ip) return false;
  // §47: toFQDNs selects the addresses the DNS proxy saw in answers for matching names; they
  // are never pods.
  const names = peer.fqdnNames;
  if (names && names.length > 0 && cr.rule.fqdns.length > 0) {
    if (cr.rule.fqdns.some((sel) => names.some((n) => selectorMatches(sel, n)))) return true;
  }
  if (cr.cidrs.length === 0) return false;
  const ip = peer.ip;
  return cr.cidrs.some(
    (c) => cidrContains(c.cidr, ip) && !c.except.some((e) => cidrContains(e, ip)),
  );
}

/** The allow rules matching peer and port, with the entries that covered the port. */
function allowMatches(
  view: DirectionPolicy,
  peer: PeerRef,
  port: number,
  protocol: Protocol,
  named: NamedPortResolver,
): AllowMatch[] {
  const out: AllowMatch[] = [];
  for (const cr of view.allow) {
    if (!peerMatches(cr, peer)) continue;
    const toPorts = cr.rule.toPorts;
    const base = { origin: cr.rule.origin, enforces: cr.rule.enforces };
    if (toPorts === null) {
      out.push({ ...base, portRules: null });
      continue;
    }
    const prs: { entry: PortRule; portIndex: number }[] = [];
    toPorts.forEach((entry, portIndex) => {
      if (entry.ports.some((s) => portSpecMatches(s, port, protocol, named)))
        prs.push({ entry, portIndex });
    });
    if (prs.length > 0) out.push({ ...base, portRules: prs });
  }
  return out;
}

/** Decides one direction. */
export function decideDirection(
  view: DirectionPolicy,
  direction: Direction,
  peer: PeerRef,
  port: number,
  protocol: Protocol,
  named: NamedPortResolver,
): DirectionDecision {
  const base = {
    direction,
    rules: [] as RuleOrigin[],
    enforcedBy: [] as RuleOrigin[],
    portRules: [] as PortRule[],
    matches: [] as AllowMatch[],
  };
  if (view.selecting.length === 0) return { ...base, allowed: true, reason: 'no-policy' };

  const denying: RuleOrigin[] = [];
  for (const cr of view.deny) {
    if (!peerMatches(cr, peer)) continue;
    const prs = matchingPortRules(cr.rule.toPorts, port, protocol, named);
    if (prs === null || prs.length > 0) denying.push(cr.rule.origin);
  }
  if (denying.length > 0) return { ...base, allowed: false, reason: 'deny-rule', rules: denying };

  if (direction === 'ingress' && peer.localHost)
    return { ...base, allowed: true, reason: 'local-host' };

  const enforcedBy = view.enforcing.map((r) => r.origin);
  const matches = allowMatches(view, peer, port, protocol, named);
  if (enforcedBy.length === 0)
    return { ...base, allowed: true, reason: 'no-default-deny', matches };

  if (matches.length > 0)
    return {
      ...base,
      allowed: true,
      reason: 'allow-rule',
      rules: matches.map((m) => m.origin),
      enforcedBy,
      portRules: matches.flatMap((m) => (m.portRules ?? []).map((p) => p.entry)),
      matches,
    };
  return { ...base, allowed: false, reason: 'default-deny', enforcedBy };
}
