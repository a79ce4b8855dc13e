/**
 * Stage 6: the proxies. Once L3/L4 allowed a connection, the L7 rules that apply to it decide
 * each request (brief §5, §39–§50).
 *
 * For one direction, peer and port the applicable L7 rules are collected from every allow rule
 * that matched:
 *   1. A matching `toPorts` entry with `rules` sends the traffic through a proxy; the rules of
 *      all such entries are unioned (§42, pkg/policy/rule.go `mergePortProto`).
 *   2. A matching rule without L7 rules (L3-only, or L4-only for this port) makes L7 allow-all
 *      for this peer: the traffic is still proxied if step 1 applies, but every request passes
 *      (§42, pkg/policy/rule.go `wildcardL3L4Rules`).
 *   3. Under Cilium 1.18+, L7 rules of a rule whose default deny is disabled for the direction
 *      get an allow-all wildcard (§12, versions.ts 'l7-wildcard-when-default-allow').
 * A request must pass the client's egress proxy and the server's ingress proxy (§43).
 */
import { normaliseName, selectorMatches, type NameSelector } from '../l7/dns.ts';
import { httpRuleMatches, type HttpRequest, type HttpRule } from '../l7/http.ts';
import { kafkaRuleMatches, type KafkaRequest, type KafkaRule } from '../l7/kafka.ts';
import type { RuleOrigin } from '../policy/model.ts';
import type { CiliumVersion, Direction, SourceRange } from '../types.ts';
import { hasBehaviour } from '../versions.ts';
import type { DirectionDecision } from './decide.ts';

export type L7Protocol = 'http' | 'dns' | 'kafka';

/** One L7 rule with the policy rule it came from. */
export interface L7RuleRef<R> {
  rule: R;
  origin: RuleOrigin;
  /** Index of the `toPorts` entry within the rule and of the L7 rule within its list. */
  portIndex: number;
  index: number;
  /** Where the L7 rule is written, when known. */
  range?: SourceRange;
}

/** An L7 rule that matched a request: its policy rule, path and place. */
export interface L7Match {
  origin: RuleOrigin;
  /** `toPorts[0].rules.http[1]`, relative to the policy rule. */
  path: string;
  range?: SourceRange;
}

/** The L7 rules that apply to one direction of one connection. */
export interface L7Set {
  direction: Direction;
  /** Whether the traffic goes through a proxy (some matching entry has `rules`). */
  proxied: boolean;
  /** The proxy's protocol(s); more than one only when policies disagree (a policy error in Cilium). */
  protocols: L7Protocol[];
  /** Every request passes; `wildcardBy` says which rules made it so. */
  wildcard: boolean;
  wildcardBy: RuleOrigin[];
  http: L7RuleRef<HttpRule>[];
  dns: L7RuleRef<NameSelector>[];
  kafka: L7RuleRef<KafkaRule>[];
}

/** The outcome of one request at one proxy. */
export interface L7Check {
  direction: Direction;
  allowed: boolean;
  /** What allowed it: the matching L7 rules, or the rules that made L7 allow-all. */
  allowedBy: RuleOrigin[];
  /** The L7 rules that matched, with their policy rule and place. */
  matchedRules: L7Match[];
  set: L7Set;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The L7 protocols a `rules` block asks for; an empty list counts as none (api/l4.go `IsEmpty`). */
function protocolsOf(l7: Record<string, unknown>): L7Protocol[] {
  const out: L7Protocol[] = [];
  for (const k of ['http', 'dns', 'kafka'] as const)
    if (Array.isArray(l7[k]) && (l7[k] as unknown[]).length > 0) out.push(k);
  return out;
}

function pushUnique(list: RuleOrigin[], o: RuleOrigin): void {
  if (!list.includes(o)) list.push(o);
}

/** Collects the L7 rules that apply to an allowed direction. */
export function l7SetOf(d: DirectionDecision, version: CiliumVersion): L7Set {
  const set: L7Set = {
    direction: d.direction,
    proxied: false,
    protocols: [],
    wildcard: false,
    wildcardBy: [],
    http: [],
    dns: [],
    kafka: [],
  };
  if (!d.allowed) return set;
  const wildcardDefaultAllow = hasBehaviour(version, 'l7-wildcard-when-default-allow');
  for (const m of d.matches) {
    if (m.portRules === null) {
      pushUnique(set.wildcardBy, m.origin);
      continue;
    }
    for (const { entry, portIndex } of m.portRules) {
      const l7 = entry.l7;
      const protocols = isObj(l7) ? protocolsOf(l7) : [];
      if (!isObj(l7) || protocols.length === 0) {
        pushUnique(set.wildcardBy, m.origin);
        continue;
      }
      set.proxied = true;
      for (const p of protocols) if (!set.protocols.includes(p)) set.protocols.push(p);
      if (!m.enforces && wildcardDefaultAllow) pushUnique(set.wildcardBy, m.origin);
      const list = (k: L7Protocol) => (Array.isArray(l7[k]) ? (l7[k] as unknown[]) : []);
      const ref = (k: L7Protocol, index: number) => {
        const range = entry.l7Ranges?.[k]?.[index];
        return { origin: m.origin, portIndex, index, ...(range ? { range } : {}) };
      };
      list('http').forEach((r, index) => {
        if (isObj(r)) set.http.push({ rule: r as HttpRule, ...ref('http', index) });
      });
      list('dns').forEach((r, index) => {
        if (isObj(r)) set.dns.push({ rule: r as NameSelector, ...ref('dns', index) });
      });
      list('kafka').forEach((r, index) => {
        if (isObj(r)) set.kafka.push({ rule: r as KafkaRule, ...ref('kafka', index) });
      });
    }
  }
  set.wildcard = set.wildcardBy.length > 0;
  return set;
}

function check<R>(
  set: L7Set,
  refs: L7RuleRef<R>[],
  kind: L7Protocol,
  matches: (r: R) => boolean,
): L7Check {
  const base = { direction: set.direction, set };
  const none = { matchedRules: [] };
  if (!set.proxied) return { ...base, allowed: true, allowedBy: [], ...none };
  const allowedBy: RuleOrigin[] = [];
  const matchedRules: L7Match[] = [];
  for (const ref of refs) {
    if (matches(ref.rule)) {
      pushUnique(allowedBy, ref.origin);
      const path = `toPorts[${ref.portIndex}].rules.${kind}[${ref.index}]`;
      matchedRules.push({ origin: ref.origin, path, ...(ref.range ? { range: ref.range } : {}) });
    }
  }
  if (allowedBy.length > 0) return { ...base, allowed: true, allowedBy, matchedRules };
  if (set.wildcard) return { ...base, allowed: true, allowedBy: [...set.wildcardBy], ...none };
  return { ...base, allowed: false, allowedBy: [], ...none };
}

/** An HTTP request at one proxy. */
export function checkHttp(set: L7Set, req: HttpRequest): L7Check {
  return check(set, set.http, 'http', (r) => httpRuleMatches(r, req));
}

/** A DNS query name at the DNS proxy (§45: only the name counts, not the type). */
export function checkDns(set: L7Set, qname: string): L7Check {
  const name = normaliseName(qname);
  return check(set, set.dns, 'dns', (r) => selectorMatches(r, name));
}

/** A Kafka request at one proxy. */
export function checkKafka(set: L7Set, req: KafkaRequest): L7Check {
  return check(set, set.kafka, 'kafka', (r) => kafkaRuleMatches(r, req));
}
