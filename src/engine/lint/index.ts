/**
 * The policy doctor: rules that read the whole input (cluster and policies together) and point at
 * policies that are valid but probably do not do what their author meant. Validation errors stay
 * with the engine's diagnostics; nothing here repeats them.
 *
 * Each rule lives in `rules/`, one small module per rule with a numbered header citing the
 * documentation it rests on; docs/lint.md lists every code with an example.
 */
import type { Engine } from '../engine.ts';
import type { SourceFile } from '../types.ts';
import { lintContext } from './context.ts';
import type { LintRule, LintWarning } from './model.ts';
import { cidrPods } from './rules/cidr-pods.ts';
import { deadRules } from './rules/dead-rules.ts';
import { dnsEgress } from './rules/dns-egress.ts';
import { emptySection } from './rules/empty-section.ts';
import { fqdnDns } from './rules/fqdn-dns.ts';
import { httpFields } from './rules/http-fields.ts';
import { kafka } from './rules/kafka.ts';
import { labelKeys } from './rules/label-keys.ts';
import { peerAndOr } from './rules/peer-and-or.ts';
import { regexSize } from './rules/regex-size.ts';
import { selectors } from './rules/selectors.ts';

export type { LintFix, LintSeverity, LintWarning, TextRange } from './model.ts';

/** Every rule, in the order of docs/lint.md. */
export const LINT_RULES: readonly LintRule[] = [
  emptySection,
  dnsEgress,
  fqdnDns,
  httpFields,
  selectors,
  labelKeys,
  peerAndOr,
  cidrPods,
  deadRules,
  regexSize,
  kafka,
];

/** Every code a rule may emit. */
export const LINT_CODES: readonly string[] = LINT_RULES.flatMap((r) => r.codes);

function compare(a: LintWarning, b: LintWarning): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/**
 * Lints a loaded engine. `files` are sources the engine was loaded with; only the policies they
 * define are linted. The result is sorted by file, line, column and code, with exact repeats
 * removed.
 */
export function lint(engine: Engine, files: readonly SourceFile[]): LintWarning[] {
  const ctx = lintContext(engine, files);
  const all = LINT_RULES.flatMap((r) => r.check(ctx)).sort(compare);
  const seen = new Set<string>();
  return all.filter((w) => {
    const k = `${w.file}:${w.line}:${w.column}:${w.code}:${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
