/**
 * Policy doctor findings as editor markers and quick fixes. Pure, like diagnostics.ts: the editor
 * hands the results to Monaco, and the mapping is tested without it.
 *
 * Lint markers live under their own owner, apart from the engine's, so that each set is replaced
 * on its own schedule (diagnostics with every edit, lint once edits settle).
 */
import {
  toMarker,
  type DiagnosticSeverity,
  type MarkerData,
  type TextShape,
} from './diagnostics.ts';

/** The owner under which lint markers are stored. */
export const LINT_MARKER_OWNER = 'lint';

/** The source named in a lint marker's hover, next to its code. */
export const LINT_SOURCE = 'policy doctor';

/** A place in a file: 1-based lines and columns, end exclusive. */
export interface EditorRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A lint finding placed in one file (the worker's `LintFinding`). */
export interface EditorLintFinding extends EditorRange {
  file: string;
  /** The rule code, e.g. `empty-list-no-default-deny`; docs/lint.md describes each. */
  code: string;
  severity: DiagnosticSeverity;
  message: string;
  /** Replace `range` with `text`: what the author evidently meant. */
  fix?: { title: string; range: EditorRange; text: string };
}

/** A lint marker: always with its rule code and the source that found it. */
export interface LintMarkerData extends MarkerData {
  code: string;
  source: string;
}

/** A range in Monaco's field names (`IRange`). */
export interface MonacoRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** A quick fix for one marker: replace `range` with `text`. */
export interface QuickFix {
  title: string;
  /** The marker the fix resolves. */
  marker: LintMarkerData;
  range: MonacoRange;
  text: string;
}

function lintMarker(f: EditorLintFinding, text?: TextShape): LintMarkerData {
  return { ...toMarker(f, text), code: f.code, source: LINT_SOURCE };
}

/** The lint markers of one file, in the order given. */
export function lintMarkersForFile(
  findings: readonly EditorLintFinding[],
  file: string,
  text?: TextShape,
): LintMarkerData[] {
  return findings.filter((f) => f.file === file).map((f) => lintMarker(f, text));
}

/** Whether position (line, column) comes before (line2, column2). */
function before(line: number, column: number, line2: number, column2: number): boolean {
  return line < line2 || (line === line2 && column < column2);
}

/** Whether two ranges overlap or touch: a cursor just after `[]` still counts as on it. */
function meets(a: MonacoRange, b: MonacoRange): boolean {
  return (
    !before(a.endLineNumber, a.endColumn, b.startLineNumber, b.startColumn) &&
    !before(b.endLineNumber, b.endColumn, a.startLineNumber, a.startColumn)
  );
}

/**
 * The quick fixes of a file's findings whose markers meet `range` (the cursor or the selection
 * Monaco asks about), in the order of the findings. Fix ranges are kept inside the text.
 */
export function quickFixesAt(
  findings: readonly EditorLintFinding[],
  file: string,
  range: MonacoRange,
  text?: TextShape,
): QuickFix[] {
  const out: QuickFix[] = [];
  for (const f of findings) {
    if (f.file !== file || !f.fix) continue;
    const marker = lintMarker(f, text);
    if (!meets(marker, range)) continue;
    const edit = toMarker({ ...f.fix.range, file, severity: f.severity, message: '' }, text);
    out.push({
      title: f.fix.title,
      marker,
      range: {
        startLineNumber: edit.startLineNumber,
        startColumn: edit.startColumn,
        endLineNumber: edit.endLineNumber,
        endColumn: edit.endColumn,
      },
      text: f.fix.text,
    });
  }
  return out;
}
