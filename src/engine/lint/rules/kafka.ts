/**
 * Rule 10, `kafka-deprecated`: Kafka rules under a Cilium release that is about to drop them.
 *
 * 1. Kafka-aware policy (`toPorts[].rules.kafka`) is enforced through the proxylib Kafka parser
 *    up to Cilium 1.19, deprecated in 1.19 and removed in 1.20, where a policy that uses it is
 *    rejected. — versions.ts `kafka-rules-removed` (cilium/cilium PR #40967 deprecation, PR
 *    #43557 removal); docs.cilium.io security/policy/language (layer7) "Kafka (beta)".
 * 2. Under a release without Kafka support the engine's validation already reports the policy
 *    as invalid (and it is not applied), so this rule stays quiet there and on releases before
 *    the deprecation.
 */
import { CILIUM_VERSIONS, VERSION_DIFFERENCES } from '../../versions.ts';
import { arr, isObj, warnAt, writtenRules } from '../context.ts';
import type { LintContext, LintRule, LintWarning } from '../model.ts';

/** The last release that still enforces Kafka rules. */
function lastKafkaRelease(): string | undefined {
  const since = VERSION_DIFFERENCES.find((d) => d.id === 'kafka-rules-removed')?.since;
  const i = since ? CILIUM_VERSIONS.indexOf(since) : -1;
  return i > 0 ? CILIUM_VERSIONS[i - 1] : undefined;
}

export const kafka: LintRule = {
  codes: ['kafka-deprecated'],
  check(ctx: LintContext): LintWarning[] {
    const last = lastKafkaRelease();
    if (ctx.version !== last) return [];
    const removedIn = VERSION_DIFFERENCES.find((d) => d.id === 'kafka-rules-removed')?.since;
    const out: LintWarning[] = [];
    for (const src of ctx.sources)
      for (const w of writtenRules(src))
        arr(w.rule.toPorts).forEach((entry, pi) => {
          if (!isObj(entry) || !isObj(entry.rules) || arr(entry.rules.kafka).length === 0) return;
          out.push(
            warnAt(
              src,
              [...w.path, 'toPorts', pi, 'rules', 'kafka'],
              'kafka-deprecated',
              'warning',
              `Kafka rules are deprecated in Cilium ${last} and removed in ${removedIn}, which rejects a policy that uses them; plan to enforce Kafka topics another way before upgrading`,
              { part: 'key' },
            ),
          );
        });
    return out;
  },
};
