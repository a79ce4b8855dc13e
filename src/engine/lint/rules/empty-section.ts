/**
 * Rule 1, `empty-list-no-default-deny`: `ingress: []` / `egress: []` in a CiliumNetworkPolicy or
 * CiliumClusterwideNetworkPolicy.
 *
 * 1. An endpoint enters default deny for a direction only when a selecting rule has a non-empty
 *    list for it; an empty list counts as absent. — docs.cilium.io security/policy/intro
 *    "Endpoint default policy"; the CRD's field docs ("If omitted or empty, this rule does not
 *    apply at ingress"); semantics brief §8–9.
 * 2. `[{}]` is one rule that selects no peer: default deny with nothing allowed, the documented
 *    deny-all. — cilium-cli connectivity manifest deny-all-ingress.yaml; brief §9.
 * 3. A policy whose sections are all empty is accepted as a no-op before 1.18 and rejected from
 *    1.18 on (versions.ts `empty-rule-rejected`). From 1.18 the engine already reports it as
 *    invalid, and an invalid policy never reaches the linter.
 * 4. The same holds for `ingressDeny: []` / `egressDeny: []`: they deny nothing and do not
 *    enable default deny (brief §10 counts only non-empty deny lists).
 *
 * Kubernetes NetworkPolicy is not affected: there `ingress: []` with `policyTypes: [Ingress]`
 * does isolate (brief §52).
 */
import { hasBehaviour } from '../../versions.ts';
import { arr, textRange, warnAt } from '../context.ts';
import type { LintContext, LintRule, LintWarning } from '../model.ts';
import { textOf } from '../text.ts';

const SECTIONS = ['ingress', 'egress', 'ingressDeny', 'egressDeny'] as const;

export const emptySection: LintRule = {
  codes: ['empty-list-no-default-deny'],
  check(ctx: LintContext): LintWarning[] {
    const out: LintWarning[] = [];
    for (const src of ctx.sources) {
      if (src.policy.ref.kind === 'NetworkPolicy') continue;
      for (const { spec, path } of src.specs) {
        const allEmpty = SECTIONS.every((s) => arr(spec[s]).length === 0);
        for (const section of SECTIONS) {
          const v = spec[section];
          if (!Array.isArray(v) || v.length > 0) continue;
          const where = [...path, section];
          const range = src.raw.locate(where);
          const deny = section.endsWith('Deny');
          const direction = section.startsWith('ingress') ? 'ingress' : 'egress';
          let message = deny
            ? `\`${section}: []\` denies nothing and, being empty, does not put the selected pods into ${direction} default deny either; remove it or list the traffic to deny`
            : `\`${section}: []\` is the same as leaving ${section} out: it does not put the selected pods into ${direction} default deny, so all ${direction} traffic stays allowed; to deny all ${direction} write \`${section}: [{}]\` (one rule that allows nothing)`;
          if (allEmpty && !hasBehaviour(ctx.version, 'empty-rule-rejected'))
            message += `. Every section of this rule is empty: Cilium ${ctx.version} accepts it as a no-op, and Cilium 1.18 and later reject it ("rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny")`;
          const written = textOf(src.file, range);
          const fix =
            !deny && /^\[\s*\]$/.test(written)
              ? {
                  title: `Replace ${section}: [] with ${section}: [{}]`,
                  range: textRange(range),
                  text: '[{}]',
                }
              : undefined;
          out.push(
            warnAt(src, where, 'empty-list-no-default-deny', 'warning', message, {
              ...(fix ? { fix } : {}),
            }),
          );
        }
      }
    }
    return out;
  },
};
