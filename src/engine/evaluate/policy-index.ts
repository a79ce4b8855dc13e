/**
 * Stage 4: compiled policy per identity and direction.
 *
 * Every selector is matched once against the identity table and cached under its canonical key;
 * each identity's view of the rules (which select it, which put it in default deny, which peers
 * each rule admits) is computed on first use and dropped only when a policy that selects it
 * changes. One policy edit therefore recomputes only the identities it touches.
 */
import { Bitset } from '../bitset.ts';
import type { Cluster, Service } from '../cluster/model.ts';
import type { IdentityTable } from '../identity.ts';
import { K8S, POD_NAMESPACE_KEY } from '../labels.ts';
import { parseCidr } from '../ip.ts';
import type { CidrSpec, Policy, Rule } from '../policy/model.ts';
import {
  compileRequirements,
  matches,
  type CompiledSelector,
  type Requirement,
} from '../selector.ts';
import type { Direction, EngineOptions } from '../types.ts';

/** A rule as it applies to one subject identity: the peers it admits. */
export interface CompiledRule {
  rule: Rule;
  /** Peer identities (indexes into the identity table). */
  peers: Bitset;
  /** CIDR peers; they only ever match addresses outside the cluster's endpoints (brief §32). */
  cidrs: CidrSpec[];
}

/** What the policy says for one identity in one direction. */
export interface DirectionPolicy {
  /** Every rule whose subject selects the identity. */
  selecting: Rule[];
  /** The rules that put it into default deny (brief §8, §10, §11). */
  enforcing: Rule[];
  allow: CompiledRule[];
  deny: CompiledRule[];
}

interface RulePeers {
  endpoints: Bitset;
  aggregated: Bitset;
  cidrs: CidrSpec[];
}

export class PolicyIndex {
  private readonly n: number;
  private readonly selectorBitsCache = new Map<string, Bitset>();
  private readonly policies = new Map<string, Policy>();
  private rules: Rule[] = [];
  private rulesDirty = true;
  private readonly rulePeers = new WeakMap<Rule, RulePeers>();
  private readonly views: [Map<number, DirectionPolicy>, Map<number, DirectionPolicy>] = [
    new Map(),
    new Map(),
  ];

  constructor(
    readonly identities: IdentityTable,
    readonly cluster: Cluster,
    readonly options: EngineOptions,
  ) {
    this.n = identities.all.length;
  }

  /** The identities a selector matches. */
  selectorBits(sel: CompiledSelector): Bitset {
    let b = this.selectorBitsCache.get(sel.key);
    if (b) return b;
    b = new Bitset(this.n);
    for (const ident of this.identities.all) if (matches(sel, ident.lookup)) b.add(ident.index);
    this.selectorBitsCache.set(sel.key, b);
    return b;
  }

  /** The policy applied under a key. */
  policy(key: string): Policy | undefined {
    return this.policies.get(key);
  }

  /** All policies currently applied, sorted by key. */
  allPolicies(): Policy[] {
    return [...this.policies.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Identities selected by any rule of a policy. */
  private subjectsOf(p: Policy): Bitset {
    const b = new Bitset(this.n);
    for (const s of p.subjects) b.or(this.selectorBits(s));
    return b;
  }

  /**
   * Adds, replaces (same key) or removes (`next` undefined) one policy. Returns the identities
   * whose policy may have changed.
   */
  setPolicy(key: string, next: Policy | undefined): Bitset {
    const prev = this.policies.get(key);
    const affected = new Bitset(this.n);
    if (prev) affected.or(this.subjectsOf(prev));
    if (next) affected.or(this.subjectsOf(next));
    if (next) this.policies.set(key, next);
    else this.policies.delete(key);
    this.rulesDirty = true;
    for (const i of affected) {
      this.views[0].delete(i);
      this.views[1].delete(i);
    }
    return affected;
  }

  private allRules(): Rule[] {
    if (this.rulesDirty) {
      this.rules = this.allPolicies().flatMap((p) => p.rules);
      this.rulesDirty = false;
    }
    return this.rules;
  }

  private serviceSelectors(rule: Rule): { selectors: CompiledSelector[]; cidrs: CidrSpec[] } {
    const selectors: CompiledSelector[] = [];
    const cidrs: CidrSpec[] = [];
    const version = Number(this.options.ciliumVersion);
    const targets: Service[] = [];
    for (const ref of rule.services) {
      if (ref.name !== undefined) {
        const s = this.cluster.services.find(
          (x) => x.namespace === ref.namespace && x.name === ref.name,
        );
        if (s) targets.push(s);
      } else if (ref.selector) {
        for (const s of this.cluster.services) {
          if (ref.namespace !== undefined && s.namespace !== ref.namespace) continue;
          const lookup = new Map(
            Object.entries(s.labels).map(([k, v]) => [k, [{ source: K8S, key: k, value: v }]]),
          );
          if (matches(ref.selector, lookup)) targets.push(s);
        }
      }
    }
    for (const s of targets) {
      if (s.selector) {
        // Brief §38: a service with a selector becomes its pod selector from 1.17; 1.16 ignores it.
        if (version < 1.17) continue;
        const reqs: Requirement[] = Object.entries(s.selector).map(([k, v]) => ({
          source: K8S,
          key: k,
          op: 'In',
          values: [v],
        }));
        reqs.push({ source: K8S, key: POD_NAMESPACE_KEY, op: 'In', values: [s.namespace] });
        selectors.push(compileRequirements(reqs));
      } else {
        for (const ip of s.manualEndpoints) {
          const c = parseCidr(ip, true);
          if (c) cidrs.push({ cidr: c, except: [] });
        }
      }
    }
    return { selectors, cidrs };
  }

  private peersOf(rule: Rule): RulePeers {
    let rp = this.rulePeers.get(rule);
    if (rp) return rp;
    const endpoints = new Bitset(this.n);
    for (const s of rule.endpoints) endpoints.or(this.selectorBits(s));
    const aggregated = new Bitset(this.n);
    for (const s of rule.aggregated) aggregated.or(this.selectorBits(s));
    let cidrs = rule.cidrs;
    if (rule.services.length > 0) {
      const svc = this.serviceSelectors(rule);
      for (const s of svc.selectors) aggregated.or(this.selectorBits(s));
      cidrs = cidrs.concat(svc.cidrs);
    }
    rp = { endpoints, aggregated, cidrs };
    this.rulePeers.set(rule, rp);
    return rp;
  }

  /** The policy of one identity in one direction. */
  view(index: number, direction: Direction): DirectionPolicy {
    const cache = this.views[direction === 'ingress' ? 0 : 1];
    const hit = cache.get(index);
    if (hit) return hit;
    const selecting: Rule[] = [];
    for (const r of this.allRules()) {
      if (r.direction === direction && this.selectorBits(r.subject).has(index)) selecting.push(r);
    }
    // fromRequires/toRequires of every selecting rule apply to the endpoint peers of all of
    // them, allow and deny separately (brief §29; pkg/policy/repository.go).
    const reqAllow: Requirement[] = [];
    const reqDeny: Requirement[] = [];
    for (const r of selecting) (r.deny ? reqDeny : reqAllow).push(...r.requires);
    const reqBits = (reqs: Requirement[]) =>
      reqs.length ? this.selectorBits(compileRequirements(reqs)) : null;
    const allowReq = reqBits(reqAllow);
    const denyReq = reqBits(reqDeny);
    const allow: CompiledRule[] = [];
    const deny: CompiledRule[] = [];
    for (const r of selecting) {
      const rp = this.peersOf(r);
      const req = r.deny ? denyReq : allowReq;
      let peers: Bitset;
      if (req) {
        peers = rp.endpoints.clone();
        peers.and(req);
        peers.or(rp.aggregated);
      } else {
        peers = rp.endpoints.clone();
        peers.or(rp.aggregated);
      }
      (r.deny ? deny : allow).push({ rule: r, peers, cidrs: rp.cidrs });
    }
    const view: DirectionPolicy = {
      selecting,
      enforcing: selecting.filter((r) => r.enforces),
      allow,
      deny,
    };
    cache.set(index, view);
    return view;
  }
}
