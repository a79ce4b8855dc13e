/**
 * Rule 8, rules that can never take effect: `l7-never-reached`, `l7-overridden`,
 * `deny-shadows-allow` and `duplicate-policy-spec`. Cluster-aware (the first three), decided
 * with the engine's own probes and compiled rules.
 *
 * 1. L7 rules are judged only after L3/L4 allowed the connection, on both ends; traffic dropped
 *    at L3/L4 never reaches a proxy. — docs.cilium.io security/policy/language (layer7) intro;
 *    brief §1, §5, §43.
 * 2. When another allow rule admits the same peer on the same port without L7 rules, the L7
 *    part of this one has no effect for that peer ("the layer 7 portions of the latter rule will
 *    have no effect"). From 1.18 the same happens to the L7 rules of a rule with
 *    `enableDefaultDeny: false` (versions.ts `l7-wildcard-when-default-allow`). — docs.cilium.io
 *    security/policy/language (layer7); brief §12, §42.
 * 3. Deny rules win over allow rules of any policy kind, so an allow rule whose every peer and
 *    port is also denied for every pod it selects allows nothing. — docs.cilium.io
 *    security/policy/deny "Deny Policies"; brief §16.
 * 4. Two policies of the same kind and namespace with the same spec select and allow exactly
 *    the same traffic; one of them is redundant (and editing one alone changes nothing). —
 *    brief §15 (allow rules are a union).
 *
 * Only peers that are pods are enumerated for (1) and (2); a rule that also admits world, CIDRs,
 * FQDNs or entities is skipped there. Work is capped so that a large cluster stays fast.
 */
import { stableJson } from '../../hash.ts';
import type { Identity } from '../../identity.ts';
import { cidrWithin, type Cidr } from '../../ip.ts';
import { describeRule, policyName } from '../../explain.ts';
import type { PortRule, PortSpec, Rule } from '../../policy/model.ts';
import type { CompiledRule } from '../../evaluate/policy-index.ts';
import type { Protocol } from '../../types.ts';
import {
  arr,
  clusterFacts,
  isObj,
  podName,
  rulePathOf,
  selectedPodIdentities,
  someOf,
  valueAt,
  warnAt,
} from '../context.ts';
import type { LintContext, LintRule, LintWarning, PolicySource } from '../model.ts';

/** Probes one rule may spend on (1) and (2). */
const PROBES_PER_RULE = 400;

/** The raw index of a normalised `toPorts` entry (entries that are not mappings are skipped). */
function rawPortIndex(src: PolicySource, rule: Rule, entry: PortRule): number {
  const k = (rule.toPorts ?? []).indexOf(entry);
  let seen = -1;
  const raw = arr(valueAt(src, [...rulePathOf(rule.origin), 'toPorts']));
  for (let i = 0; i < raw.length; i++) if (isObj(raw[i]) && ++seen === k) return i;
  return k;
}

function l7Kinds(entry: PortRule): string[] {
  if (!entry.l7) return [];
  return ['http', 'kafka', 'dns'].filter(
    (k) => Array.isArray(entry.l7![k]) && (entry.l7![k] as unknown[]).length > 0,
  );
}

/** Whether the L7 rules accept everything anyway (`http: [{}]`): nothing to lose. */
function allowsEverything(entry: PortRule): boolean {
  const http = entry.l7?.http;
  return Array.isArray(http) && http.some((h) => isObj(h) && Object.keys(h).length === 0);
}

function l7Findings(ctx: LintContext, src: PolicySource, rule: Rule): LintWarning[] {
  const { engine } = ctx;
  if (rule.deny || rule.toPorts === null) return [];
  if (rule.aggregated.length > 0 || rule.cidrs.length > 0 || rule.fqdns.length > 0) return [];
  if (rule.services.length > 0 || rule.endpoints.length === 0) return [];
  const entries = rule.toPorts.filter((e) => l7Kinds(e).length > 0);
  if (entries.length === 0) return [];
  const facts = clusterFacts(engine);
  const dir = rule.direction;
  const out: LintWarning[] = [];
  for (const entry of entries) {
    const kinds = l7Kinds(entry);
    let budget = PROBES_PER_RULE;
    let probed = 0;
    let live = 0;
    let firstDrop: string | undefined;
    const wildcardBy = new Map<string, string>();
    const overriddenPeers: string[] = [];
    for (const s of selectedPodIdentities(engine, rule.subject)) {
      const cr = engine.index.view(s.index, dir).allow.find((c) => c.rule === rule);
      if (!cr) continue;
      const peers: Identity[] = facts.podIdentities.filter((i) => cr.peers.has(i.index));
      const local = facts.podsOf.get(s.index) ?? [];
      for (const p of peers) {
        const remote = facts.podsOf.get(p.index) ?? [];
        const a = local[0];
        const b = remote.find((x) => x !== a);
        if (!a || !b) continue;
        for (const spec of entry.ports) {
          if (budget-- <= 0) return out;
          if (spec.port === 0 && spec.name === undefined) continue;
          const protocol: Protocol =
            spec.protocol === 'ANY' ? (kinds.includes('dns') ? 'UDP' : 'TCP') : spec.protocol;
          const [from, to] = dir === 'ingress' ? [b, a] : [a, b];
          const r = engine.probe({
            id: 'lint-l7',
            from: podName(from),
            to: podName(to),
            port: spec.name ?? spec.port,
            protocol,
          });
          if (r.error) continue;
          probed++;
          const decision = r[dir];
          const reached =
            r.verdict === 'allowed' &&
            decision?.matches.some(
              (m) => m.origin === rule.origin && (m.portRules ?? []).some((x) => x.entry === entry),
            );
          if (!reached) {
            firstDrop ??= `${podName(from)} to ${podName(to)} on ${protocol}/${r.port ?? spec.port}: ${r.reason}`;
            continue;
          }
          live++;
          const set = r.proxies?.[dir];
          if (set?.wildcard) {
            overriddenPeers.push(podName(b));
            for (const o of set.wildcardBy)
              wildcardBy.set(describeRule(o), o === rule.origin ? 'self' : 'other');
          }
        }
      }
    }
    const pi = rawPortIndex(src, rule, entry);
    const where = [...rulePathOf(rule.origin), 'toPorts', pi, 'rules'];
    const what = `${kinds.map((k) => k.toUpperCase()).join('/')} rules`;
    if (probed > 0 && live === 0 && firstDrop)
      out.push(
        warnAt(
          src,
          where,
          'l7-never-reached',
          'warning',
          `these ${what} never see a request: every connection they would apply to is dropped at L3/L4 before any proxy, e.g. ${firstDrop}`,
          { part: 'key' },
        ),
      );
    else if (
      live > 0 &&
      overriddenPeers.length === live &&
      !allowsEverything(entry) &&
      wildcardBy.size > 0
    ) {
      const others = [...wildcardBy].filter(([, w]) => w === 'other').map(([d]) => d);
      const why =
        others.length > 0
          ? `${someOf(others, 2)} also allows these peers on this port without L7 rules, so the proxy lets every request through`
          : `this rule sets enableDefaultDeny: false for ${dir}, and from Cilium 1.18 the L7 rules of such a rule allow every request`;
      out.push(
        warnAt(
          src,
          where,
          'l7-overridden',
          'warning',
          `these ${what} have no effect for ${someOf([...new Set(overriddenPeers)].sort())}: ${why}`,
          { part: 'key' },
        ),
      );
    }
  }
  return out;
}

/** Whether a deny port spec covers an allow port spec completely. */
function portCovers(deny: PortSpec, allow: PortSpec): boolean {
  if (deny.protocol !== 'ANY' && deny.protocol !== allow.protocol) return false;
  if (deny.port === 0 && deny.name === undefined) return true;
  if (allow.name !== undefined || deny.name !== undefined) return allow.name === deny.name;
  if (allow.port === 0) return false;
  return deny.port <= allow.port && allow.endPort <= deny.endPort;
}

function denyCoversPorts(deny: Rule, allowPorts: PortSpec[] | null): boolean {
  if (deny.toPorts === null) return true;
  const denyPorts = deny.toPorts.flatMap((p) => p.ports);
  if (allowPorts === null)
    return denyPorts.some((d) => d.port === 0 && d.name === undefined && d.protocol === 'ANY');
  return allowPorts.every((a) => denyPorts.some((d) => portCovers(d, a)));
}

function cidrCovered(c: Cidr, deny: CompiledRule, worldIndex: number | undefined): boolean {
  if (worldIndex !== undefined && deny.peers.has(worldIndex)) return true;
  return deny.cidrs.some(
    (d) => cidrWithin(c, d.cidr) && !d.except.some((e) => cidrWithin(e, c) || cidrWithin(c, e)),
  );
}

function shadowFindings(ctx: LintContext, src: PolicySource, rule: Rule): LintWarning[] {
  const { engine } = ctx;
  if (rule.deny || rule.origin.index < 0) return [];
  const subjects = selectedPodIdentities(engine, rule.subject);
  if (subjects.length === 0) return [];
  const allowPorts = rule.toPorts === null ? null : rule.toPorts.flatMap((p) => p.ports);
  if (allowPorts !== null && allowPorts.length === 0) return [];
  const world = engine.identities.reserved.get('world')?.index;
  const denying = new Set<string>();
  for (const s of subjects) {
    const view = engine.index.view(s.index, rule.direction);
    const cr = view.allow.find((c) => c.rule === rule);
    if (!cr) return [];
    const denies = view.deny.filter((d) => denyCoversPorts(d.rule, allowPorts));
    if (denies.length === 0) return [];
    const peers = [...cr.peers];
    if (peers.length === 0 && cr.cidrs.length === 0 && rule.fqdns.length === 0) return [];
    for (const i of peers) {
      const by = denies.find((d) => d.peers.has(i));
      if (!by) return [];
      denying.add(describeRule(by.rule.origin));
    }
    for (const c of cr.cidrs) {
      // The whole prefix, excepted part included: a stronger test than needed.
      const by = denies.find((d) => cidrCovered(c.cidr, d, world));
      if (!by) return [];
      denying.add(describeRule(by.rule.origin));
    }
    if (rule.fqdns.length > 0) {
      const by = denies.find((d) => world !== undefined && d.peers.has(world));
      if (!by) return [];
      denying.add(describeRule(by.rule.origin));
    }
  }
  return [
    warnAt(
      src,
      rulePathOf(rule.origin),
      'deny-shadows-allow',
      'warning',
      `this rule of ${policyName(src.policy.ref)} allows nothing: every peer and port it allows is also denied by ${someOf([...denying].sort(), 2)}, and deny rules always win over allow rules`,
    ),
  ];
}

function duplicateFindings(ctx: LintContext): LintWarning[] {
  const seen = new Map<string, PolicySource>();
  const out: LintWarning[] = [];
  const ordered = [...ctx.sources].sort(
    (a, b) =>
      (a.policy.file < b.policy.file ? -1 : a.policy.file > b.policy.file ? 1 : 0) ||
      a.policy.range.startLine - b.policy.range.startLine,
  );
  for (const src of ordered) {
    const ref = src.policy.ref;
    const body = src.specs.map((s) => s.spec);
    const key = `${ref.kind}/${ref.namespace ?? ''}/${stableJson(body)}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, src);
      continue;
    }
    out.push(
      warnAt(
        src,
        ['metadata', 'name'],
        'duplicate-policy-spec',
        'warning',
        `${policyName(src.policy.ref)} has exactly the same spec as ${policyName(first.policy.ref)} (${first.policy.file}:${first.policy.range.startLine}), so one of them is redundant; changing only one of them leaves the other in force`,
      ),
    );
  }
  return out;
}

export const deadRules: LintRule = {
  codes: ['l7-never-reached', 'l7-overridden', 'deny-shadows-allow', 'duplicate-policy-spec'],
  check(ctx: LintContext): LintWarning[] {
    const out = duplicateFindings(ctx);
    if (!ctx.hasPods) return out;
    for (const src of ctx.sources)
      for (const rule of src.policy.rules) {
        out.push(...l7Findings(ctx, src, rule));
        out.push(...shadowFindings(ctx, src, rule));
      }
    return out;
  },
};
