/**
 * Turns a probe result into the plain `Explanation` the page shows for "show rule": the engine's
 * reason, and the rules behind the verdict placed in their files, deciding rules first. The
 * engine decides; this module only picks out and orders what it already reports.
 */
import { policyName, rulePath, describeRule } from '../engine/explain.ts';
import type { Endpoint, ProbeResult } from '../engine/evaluate/probe.ts';
import type { RuleOrigin } from '../engine/policy/model.ts';
import type { SourceRange } from '../engine/types.ts';
import type { ExplainedRule, Explanation, RuleRole } from './api.ts';

function explained(
  origin: RuleOrigin,
  role: RuleRole,
  range: SourceRange = origin.range,
  l7Path?: string,
): ExplainedRule {
  const label =
    l7Path === undefined
      ? describeRule(origin)
      : `${policyName(origin.policy)} ${rulePath(origin)}.${l7Path} (${range.file}:${range.startLine}:${range.startColumn})`;
  return {
    file: range.file,
    startLine: range.startLine,
    startColumn: range.startColumn,
    endLine: range.endLine,
    endColumn: range.endColumn,
    label,
    role,
  };
}

/** Whether L3/L4 let the connection through on both sides. */
export function connectionAllowed(r: ProbeResult): boolean {
  return (r.egress?.allowed ?? true) && (r.ingress?.allowed ?? true);
}

/**
 * The rules behind a result, in this order:
 *   1. at L7, the matching rules, or every rule of the proxy that refused the request;
 *   2. at L3/L4, deny rules, the rules that put a denying side into default deny, and (when the
 *      connection was allowed) the allow rules;
 *   3. allow rules of the other side of a denied connection, and for an `fqdn:` probe the rules
 *      of its DNS lookup: context, not the decision.
 */
export function rulesOf(r: ProbeResult): ExplainedRule[] {
  const decided: ExplainedRule[] = [];
  const context: ExplainedRule[] = [];
  const l3 = connectionAllowed(r);
  const l7 = r.l7;
  if (l7 && l3) {
    if (!l7.allowed && l7.refusedBy) {
      const set = l7[l7.refusedBy]?.set;
      // The proxy's own protocol when a request of another protocol reached it.
      for (const kind of set ? [l7.protocol, ...set.protocols] : []) {
        const refs = set![kind];
        for (const ref of refs)
          decided.push(
            explained(
              ref.origin,
              'l7-refused',
              ref.range,
              `toPorts[${ref.portIndex}].rules.${kind}[${ref.index}]`,
            ),
          );
        if (refs.length > 0) break;
      }
    } else
      for (const check of [l7.egress, l7.ingress])
        for (const m of check?.matchedRules ?? [])
          decided.push(explained(m.origin, 'l7-allowed', m.range, m.path));
  }
  for (const d of [r.egress, r.ingress]) {
    if (!d) continue;
    if (d.reason === 'deny-rule') decided.push(...d.rules.map((o) => explained(o, 'denied')));
    else if (d.reason === 'default-deny')
      decided.push(...d.enforcedBy.map((o) => explained(o, 'default-deny')));
    else if (d.reason === 'allow-rule')
      (l3 ? decided : context).push(...d.rules.map((o) => explained(o, 'allowed')));
  }
  const lookup = r.lookup?.query;
  if (lookup) (r.egress || r.ingress ? context : decided).push(...rulesOf(lookup));
  const seen = new Set<string>();
  return [...decided, ...context].filter((rule) => {
    const key = `${rule.role}|${rule.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function endpointText(ep: Endpoint): string {
  return ep.kind === 'world' ? ep.text : ep.label;
}

/** The request inside a connection, in a few words: `GET http://web/`, `DNS A example.com.`. */
export function requestText(r: ProbeResult): string | undefined {
  const l7 = r.l7;
  if (l7?.http) return `${l7.http.request.method} ${l7.http.url}`;
  if (l7?.dns) return `DNS ${l7.dns.qtypes.join(',')} ${l7.dns.query}`;
  if (l7?.kafka) {
    const topics = l7.kafka.request.topics;
    return `Kafka ${l7.kafka.request.apiKey}${topics.length > 0 ? ` topic ${topics.join(',')}` : ''}`;
  }
  return undefined;
}

/** One line naming the traffic: `dummy/debug → db/postgres-0 5432/TCP, GET http://…/`. */
export function subjectOf(r: ProbeResult, fallback: { from: string; to: string }): string {
  const from = r.source ? endpointText(r.source) : fallback.from;
  let to = r.destination ? endpointText(r.destination) : fallback.to;
  if (r.lookup) {
    const name = r.lookup.name.replace(/\.$/, '');
    to = r.destination ? `${name} (${to})` : name;
  } else if (r.service && r.destination)
    to = `service ${r.service.namespace}/${r.service.name} (${to})`;
  const port = r.port !== undefined && r.protocol ? ` ${r.port}/${r.protocol}` : '';
  const request = requestText(r);
  return `${from} → ${to}${port}${request ? `, ${request}` : ''}`;
}

/** The explanation of a result; `subject` names the traffic. */
export function explanationOf(r: ProbeResult, subject?: string): Explanation {
  const reason = r.error ? `This traffic cannot be decided: ${r.error}.` : r.reason;
  return {
    verdict: r.verdict,
    reason,
    rules: rulesOf(r),
    ...(subject !== undefined ? { subject } : {}),
  };
}
