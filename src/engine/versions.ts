/**
 * Every place where the engine's answer depends on the Cilium release, in one table.
 *
 * Each row names a behaviour, the first release that has it, what earlier releases do, and where
 * the fact comes from. Code asks `hasBehaviour(version, id)` instead of comparing numbers, so the
 * table is the whole story of the version setting.
 */
import type { CiliumVersion } from './types.ts';

export const CILIUM_VERSIONS: readonly CiliumVersion[] = ['1.16', '1.17', '1.18', '1.19', '1.20'];

export type VersionBehaviour =
  | 'toservices-selector'
  | 'toservices-with-toports'
  | 'empty-rule-rejected'
  | 'l7-wildcard-when-default-allow'
  | 'kafka-rules-removed';

export interface VersionDifference {
  id: VersionBehaviour;
  /** The first release with the behaviour; every later one keeps it. */
  since: CiliumVersion;
  /** What the release `since` and later do. */
  behaviour: string;
  /** What releases before `since` do. */
  before: string;
  /** Where the fact comes from (Cilium docs, code or pull request). */
  source: string;
}

export const VERSION_DIFFERENCES: readonly VersionDifference[] = [
  {
    id: 'toservices-selector',
    since: '1.17',
    behaviour: '`toServices` naming a Service with a selector stands for the pods it selects',
    before:
      '`toServices` only takes effect for Services without a selector (their endpoints as CIDRs)',
    source:
      'cilium/cilium PR #35506; Documentation/security/policy/language.rst (1.16) "Services based"',
  },
  {
    id: 'toservices-with-toports',
    since: '1.17',
    behaviour: '`toServices` may be combined with `toPorts` in one rule',
    before:
      'a rule with both `toServices` and `toPorts` fails validation and the policy is ignored',
    source: 'pkg/policy/api/rule_validation.go `Sanitize` (v1.16.0 vs v1.18.0)',
  },
  {
    id: 'empty-rule-rejected',
    since: '1.18',
    behaviour:
      'a rule with no non-empty ingress, ingressDeny, egress or egressDeny is rejected: "rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny"',
    before: 'such a rule is accepted and does nothing',
    source: 'pkg/policy/api/rule_validation.go `Sanitize` (v1.18.0)',
  },
  {
    id: 'l7-wildcard-when-default-allow',
    since: '1.18',
    behaviour:
      'L7 rules of a rule whose default deny is disabled (`enableDefaultDeny: false`) get an allow-all L7 wildcard',
    before: 'L7 rules still reject requests they do not match, even with default deny disabled',
    source:
      'pkg/policy/l4.go `ensureWildcard` (v1.18.0); Documentation/security/policy/intro.rst (1.16, 1.17)',
  },
  {
    id: 'kafka-rules-removed',
    since: '1.20',
    behaviour: 'Kafka-aware policy is gone: a policy with `rules.kafka` is rejected',
    before: 'Kafka rules are enforced by the proxy (deprecated in 1.19)',
    source: 'cilium/cilium PR #43557 "proxy: Remove proxylib support"; PR #40967 (deprecation)',
  },
];

const BY_ID = new Map(VERSION_DIFFERENCES.map((d) => [d.id, d]));

/** Whether the release `version` has the behaviour `id`. */
export function hasBehaviour(version: CiliumVersion, id: VersionBehaviour): boolean {
  const row = BY_ID.get(id);
  if (!row) throw new Error(`unknown version behaviour ${id}`);
  return CILIUM_VERSIONS.indexOf(version) >= CILIUM_VERSIONS.indexOf(row.since);
}
