/**
 * Rule 9, `regex-too-complex`: an HTTP `path`, `method` or `host` regular expression that Envoy
 * refuses because its compiled RE2 program is too large. (Expressions RE2 cannot parse at all are
 * already invalid-policy errors of the engine's validation.)
 *
 * 1. Cilium hands these fields to Envoy as RE2 `safe_regex` matchers (brief §39). Envoy refuses
 *    a regex whose RE2 program size exceeds the runtime value `re2.max_program_size.error_level`,
 *    which defaults to 100. — Envoy API docs, type.matcher.v3.RegexMatcher.GoogleRE2; Envoy
 *    source/common/common/regex.cc. Cilium's Envoy bootstrap (pkg/envoy embedded_envoy.go and the
 *    Helm chart's cilium-envoy bootstrap-config) sets no layered runtime, so the default holds.
 * 2. A refused matcher makes Envoy reject the whole policy update (NACK), so the policy never
 *    takes effect. — cilium/cilium#3401, #41314 (cited in policy/normalise.ts).
 *
 * The size here comes from re2js, a port of RE2 that counts instructions of its own compiled
 * program. Its count follows the C++ one closely but not exactly (one published Envoy error
 * reports 106 for an expression re2js sizes at 111), so only estimates above
 * `ESTIMATE_THRESHOLD`, comfortably past the limit, are reported.
 */
import { RE2JS } from 're2js';
import { httpRules, warnAt } from '../context.ts';
import type { LintContext, LintRule, LintWarning } from '../model.ts';

/** Envoy's default `re2.max_program_size.error_level`. */
export const ENVOY_MAX_PROGRAM_SIZE = 100;
/** Reported from here on: the limit plus a 10% allowance for the difference between counts. */
export const ESTIMATE_THRESHOLD = 110;

/** The re2js program size of an expression; undefined when it does not compile. */
export function programSize(pattern: string): number | undefined {
  try {
    return RE2JS.compile(pattern).programSize();
  } catch {
    return undefined;
  }
}

export const regexSize: LintRule = {
  codes: ['regex-too-complex'],
  check(ctx: LintContext): LintWarning[] {
    const out: LintWarning[] = [];
    for (const src of ctx.sources)
      for (const { path, http } of httpRules(src))
        for (const field of ['path', 'method', 'host'] as const) {
          const v = http[field];
          if (typeof v !== 'string' || v === '') continue;
          const size = programSize(v);
          if (size === undefined || size <= ESTIMATE_THRESHOLD) continue;
          out.push(
            warnAt(
              src,
              [...path, field],
              'regex-too-complex',
              'error',
              `this ${field} expression compiles to an RE2 program of about ${size} instructions; Envoy refuses regular expressions above ${ENVOY_MAX_PROGRAM_SIZE} (re2.max_program_size.error_level), which makes it reject the whole policy, so nothing of it is enforced; split it into several HTTP rules or simplify it`,
            ),
          );
        }
    return out;
  },
};
