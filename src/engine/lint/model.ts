/**
 * The policy doctor's plain data: what a lint warning is, the quick fix it may carry, and the
 * interface every rule implements. Everything here is serialisable, like the rest of the
 * engine's output, so it can cross the worker boundary and print as JSON.
 */
import type { Engine } from '../engine.ts';
import type { Policy } from '../policy/model.ts';
import type { CiliumVersion, SourceFile, SourceRange } from '../types.ts';
import type { FieldPath, RawObject } from '../yaml/documents.ts';

/** How bad a finding is. `error`: Cilium or Envoy will refuse what is written. */
export type LintSeverity = 'error' | 'warning' | 'info';

/** A place inside one file: 1-based lines and columns, end exclusive (as `SourceRange`). */
export interface TextRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * A quick fix: replace `range` of the warning's file with `text`. An empty range inserts. Only
 * offered where the edit is what the author evidently meant (a typo, a missing key).
 */
export interface LintFix {
  /** What the edit does, as a command title: `Replace [] with [{}]`. */
  title: string;
  range: TextRange;
  text: string;
}

/** One finding of the policy doctor. */
export interface LintWarning {
  /** The file name as the caller gave it. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** A stable rule code such as `empty-list-no-default-deny` (docs/lint.md lists them all). */
  code: string;
  severity: LintSeverity;
  message: string;
  fix?: LintFix;
}

/** A CNP/CCNP `spec` or one entry of `specs`, or a KNP `spec`, with its path. */
export interface SpecSource {
  spec: Record<string, unknown>;
  /** `['spec']` or `['specs', i]`. */
  path: FieldPath;
  specIndex?: number;
}

/** A policy in force together with the YAML it was written as. */
export interface PolicySource {
  policy: Policy;
  raw: RawObject;
  /** The object as plain data. */
  obj: Record<string, unknown>;
  specs: SpecSource[];
  file: SourceFile;
}

/** What every rule may look at: the loaded engine and the YAML behind its policies. */
export interface LintContext {
  engine: Engine;
  version: CiliumVersion;
  /** Policies in force, in key order, each with its YAML. */
  sources: PolicySource[];
  /**
   * Whether the input declares any pod. Rules that judge selectors against the cluster stay quiet
   * without one: policies linted on their own would otherwise match nothing everywhere.
   */
  hasPods: boolean;
}

/** One lint rule: the codes it may emit and the check itself. */
export interface LintRule {
  /** Codes this rule emits, for docs and tests. */
  codes: readonly string[];
  check(ctx: LintContext): LintWarning[];
}

/** Turns a source range into the position fields of a warning. */
export function positionOf(
  r: SourceRange,
): Pick<LintWarning, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
  return {
    file: r.file,
    line: r.startLine,
    column: r.startColumn,
    endLine: r.endLine,
    endColumn: r.endColumn,
  };
}
