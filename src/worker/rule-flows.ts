/**
 * Rule → flows, for the code lenses over each rule: which traffic every rule of the current
 * policies allowed or denied.
 *
 * The traffic considered is what the flow graph shows: every workload to every workload on each
 * port the destination declares (possible), and every connection attempt in Hubble's buffer
 * (observed, with its L7 request), all decided again under the current policies so that the
 * counts follow each edit. A flow is attributed through the rule origins of its verdict:
 *   1. allowed: every allow rule of either side, so a flow allowed by two rules counts on both;
 *      where a proxy judged the request, the rules whose L7 rules matched it (or that made L7
 *      allow everything) instead;
 *   2. denied at L3/L4: the deny rules of the denying side, or, for a default deny, the rules
 *      that switched default deny on (`enforcedBy`); allow rules of the other side did not decide
 *      the verdict and do not count;
 *   3. refused at L7: the rules that put the refusing proxy's L7 rules on the port.
 */
import { policyName, rulePath } from '../engine/explain.ts';
import type { Endpoint, ProbeResult } from '../engine/evaluate/probe.ts';
import { flowEnds } from '../engine/flows/ends.ts';
import type { Flow } from '../engine/flows/model.ts';
import type { RuleOrigin } from '../engine/policy/model.ts';
import { workloadNodeOf, workloadPairs } from '../sim/graph.ts';
import type { FlowCause, SimWorld } from '../sim/world.ts';
import type { RuleEffect, RuleFlow, RuleLens } from './api.ts';
import { connectionAllowed } from './explanation.ts';

/** At most this many workload pairs are decided; past it the counts are lower bounds. */
export const POSSIBLE_PAIR_LIMIT = 2000;
/** At most this many flows are listed per rule (the counts cover them all). */
export const FLOWS_PER_RULE = 40;

const EFFECT_TEXT: Record<RuleEffect, string> = {
  allowed: 'allowed',
  denied: 'denied',
  'default-deny': 'denied (default deny)',
  'l7-refused': 'refused at L7',
};
/** Listing order: what the rule stopped first. */
const EFFECT_ORDER: Record<RuleEffect, number> = {
  denied: 0,
  'default-deny': 1,
  'l7-refused': 2,
  allowed: 3,
};

/** The rule item an origin belongs to: NetworkPolicy peers of one item share it. */
function ruleKey(o: RuleOrigin): string {
  const p = o.policy;
  return `${o.range.file}|${p.kind}/${p.namespace ?? ''}/${p.name}|${o.specIndex ?? ''}|${o.section}|${o.index}`;
}

/** Which rules decided a result, and how (see the header). */
export function effectsOf(r: ProbeResult): Map<string, { origin: RuleOrigin; effect: RuleEffect }> {
  const out = new Map<string, { origin: RuleOrigin; effect: RuleEffect }>();
  const put = (o: RuleOrigin, effect: RuleEffect) => {
    const key = ruleKey(o);
    if (!out.has(key)) out.set(key, { origin: o, effect });
  };
  if (r.error) return out;
  const sides = [r.egress, r.ingress];
  if (!connectionAllowed(r)) {
    for (const d of sides) {
      if (!d || d.allowed) continue;
      if (d.reason === 'deny-rule') for (const o of d.rules) put(o, 'denied');
      else if (d.reason === 'default-deny') for (const o of d.enforcedBy) put(o, 'default-deny');
    }
    return out;
  }
  const l7 = r.l7;
  if (l7 && !l7.allowed && l7.refusedBy) {
    const set = l7[l7.refusedBy]?.set;
    for (const kind of ['http', 'dns', 'kafka'] as const)
      for (const ref of set?.[kind] ?? []) put(ref.origin, 'l7-refused');
    // A proxy that cannot parse the request: the allow rules that sent it there.
    if (out.size === 0)
      for (const o of (l7.refusedBy === 'egress' ? r.egress : r.ingress)?.rules ?? [])
        put(o, 'l7-refused');
    return out;
  }
  for (const d of sides) {
    if (d?.reason !== 'allow-rule') continue;
    // Where a proxy judged the request, the rules whose L7 part let it through decided it.
    const check = l7?.[d.direction];
    for (const o of check ? check.allowedBy : d.rules) put(o, 'allowed');
  }
  return out;
}

function endpointName(ep: Endpoint): string {
  switch (ep.kind) {
    case 'pod':
      return workloadNodeOf(ep.pod)?.slice('workload:'.length) ?? ep.label;
    case 'node':
      return 'host';
    case 'world':
      return ep.text;
  }
}

/** The request inside a connection, in the words the flow graph uses for its edges. */
function requestWords(r: ProbeResult): string | undefined {
  const l7 = r.l7;
  if (l7?.http) return `${l7.http.request.method} ${l7.http.request.path}`;
  if (l7?.dns) return `DNS ${l7.dns.query}`;
  if (l7?.kafka) {
    const topics = l7.kafka.request.topics;
    return `Kafka ${l7.kafka.request.apiKey}${topics.length > 0 ? ` ${topics.join(',')}` : ''}`;
  }
  return undefined;
}

/** A flow before it is attributed: what it is, without the effect. */
type Traffic = Omit<RuleFlow, 'effect' | 'text'>;

function trafficOf(r: ProbeResult): Traffic | null {
  const { source, destination, port, protocol } = r;
  if (!source || port === undefined || !protocol) return null;
  const to = r.lookup ? r.lookup.name.replace(/\.$/, '') : destination && endpointName(destination);
  if (to === undefined) return null;
  const l7 = requestWords(r);
  return {
    from: endpointName(source),
    to,
    port,
    protocol,
    ...(l7 !== undefined ? { l7 } : {}),
    observed: 0,
  };
}

const trafficKey = (t: Traffic) => `${t.from}|${t.to}|${t.port}/${t.protocol}|${t.l7 ?? ''}`;

/** Whether a flow belongs to the DNS lookup of an `fqdn:` probe rather than its connection. */
export function isLookupFlow(flow: Flow, lookup: ProbeResult): boolean {
  const ends = flowEnds(flow);
  const dst = lookup.destination;
  if (!ends || dst?.kind !== 'pod') return false;
  return (
    `${ends.server.namespace}/${ends.server.pod_name}` === dst.label && ends.port === lookup.port
  );
}

/** A probe's identity apart from its id (which only salts client ports). */
function probeKey(cause: FlowCause): string {
  const { id: _id, expect: _expect, ...rest } = cause.probe;
  return JSON.stringify(rest);
}

interface RuleDraft {
  origin: RuleOrigin;
  flows: Map<string, RuleFlow>;
}

/** The lens label of a rule item: its policy and path, without a NetworkPolicy peer index. */
function ruleLabel(o: RuleOrigin): string {
  const { peerIndex: _peer, ...item } = o;
  return `${policyName(o.policy)} ${rulePath(item)}`;
}

function flowText(f: Omit<RuleFlow, 'text'>): string {
  const request = f.l7 !== undefined ? ` ${f.l7}` : '';
  const seen = f.observed > 0 ? ` · seen ${f.observed}×` : '';
  return `${f.from} → ${f.to} ${f.port}/${f.protocol}${request} ${EFFECT_TEXT[f.effect]}${seen}`;
}

/**
 * Every rule of every valid policy with the flows it decided, grouped by file and sorted by
 * position. Rules that decided nothing are listed too (with zero counts).
 */
export function computeRuleFlows(
  world: SimWorld,
  limits: { pairs: number; flowsPerRule: number } = {
    pairs: POSSIBLE_PAIR_LIMIT,
    flowsPerRule: FLOWS_PER_RULE,
  },
): Map<string, RuleLens[]> {
  const engine = world.engine;
  const drafts = new Map<string, RuleDraft>();
  for (const policy of engine.policies)
    for (const rule of policy.rules) {
      const key = ruleKey(rule.origin);
      if (!drafts.has(key)) drafts.set(key, { origin: rule.origin, flows: new Map() });
    }

  const attribute = (r: ProbeResult, traffic: Traffic, seq?: number) => {
    for (const [key, { effect }] of effectsOf(r)) {
      const draft = drafts.get(key);
      if (!draft) continue;
      const id = `${trafficKey(traffic)}|${effect}`;
      const known = draft.flows.get(id);
      if (known) {
        known.observed += traffic.observed;
        if (seq !== undefined && (known.seq === undefined || seq > known.seq)) known.seq = seq;
        continue;
      }
      const flow = { ...traffic, effect, ...(seq !== undefined ? { seq } : {}) };
      draft.flows.set(id, { ...flow, text: '' });
    }
  };

  // Possible traffic, as the graph draws it.
  const pairs = workloadPairs(world);
  const partial = pairs.length > limits.pairs;
  for (const p of pairs.slice(0, limits.pairs)) {
    const pods = {
      from: `${p.src.namespace}/${p.src.name}`,
      to: `${p.dst.namespace}/${p.dst.name}`,
    };
    const r = engine.probe({
      id: 'rule-flows',
      from: pods.from,
      to: pods.to,
      port: p.port,
      protocol: p.protocol,
    });
    const traffic = trafficOf(r);
    if (traffic)
      attribute(
        r,
        { ...traffic, pods, edge: `${p.from}|${p.to}|${p.port}/${p.protocol}|possible` },
        undefined,
      );
  }

  // Observed traffic: one entry per connection attempt (and per fqdn lookup), newest record's seq.
  const logged = world.flows.all();
  const seq0 = world.flows.sequence - logged.length;
  const attempts = new Map<FlowCause, { main?: number; lookup?: number }>();
  const results = new Map<string, ProbeResult>();
  logged.forEach(({ flow, cause }, i) => {
    if (!cause) return;
    const key = probeKey(cause);
    let r = results.get(key);
    if (!r) {
      r = engine.probe(cause.probe);
      results.set(key, r);
    }
    const seen = attempts.get(cause) ?? {};
    const lookup = r.lookup?.query;
    if (lookup && isLookupFlow(flow, lookup)) seen.lookup = seq0 + i;
    else seen.main = seq0 + i;
    attempts.set(cause, seen);
  });
  for (const [cause, seen] of attempts) {
    const r = results.get(probeKey(cause))!;
    const parts: [ProbeResult | undefined, number | undefined][] = [
      [r, seen.main],
      [r.lookup?.query, seen.lookup],
    ];
    for (const [part, seq] of parts) {
      if (!part || seq === undefined) continue;
      const traffic = trafficOf(part);
      if (!traffic) continue;
      const edge =
        part.source?.kind === 'pod' && part.destination?.kind === 'pod'
          ? [workloadNodeOf(part.source.pod), workloadNodeOf(part.destination.pod)]
          : [];
      attribute(
        part,
        {
          ...traffic,
          observed: 1,
          ...(edge[0] && edge[1]
            ? { edge: `${edge[0]}|${edge[1]}|${traffic.port}/${traffic.protocol}|observed` }
            : {}),
        },
        seq,
      );
    }
  }

  const byFile = new Map<string, RuleLens[]>();
  for (const { origin, flows } of drafts.values()) {
    const counts: Record<RuleEffect, number> = {
      allowed: 0,
      denied: 0,
      'default-deny': 0,
      'l7-refused': 0,
    };
    const all = [...flows.values()];
    for (const f of all) {
      counts[f.effect]++;
      f.text = flowText(f);
    }
    all.sort(
      (a, b) =>
        EFFECT_ORDER[a.effect] - EFFECT_ORDER[b.effect] ||
        b.observed - a.observed ||
        (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
    );
    const range = origin.range;
    const lens: RuleLens = {
      file: range.file,
      startLine: range.startLine,
      startColumn: range.startColumn,
      endLine: range.endLine,
      endColumn: range.endColumn,
      label: ruleLabel(origin),
      counts,
      flows: all.slice(0, limits.flowsPerRule),
      truncated: all.length > limits.flowsPerRule,
      partial,
    };
    const list = byFile.get(range.file);
    if (list) list.push(lens);
    else byFile.set(range.file, [lens]);
  }
  for (const list of byFile.values())
    list.sort(
      (a, b) =>
        a.startLine - b.startLine ||
        a.startColumn - b.startColumn ||
        (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
  return byFile;
}
