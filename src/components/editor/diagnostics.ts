/**
 * Engine diagnostics as editor markers. Pure: no Monaco import, so it is cheap to load and to
 * test; the numbers below are Monaco's own `MarkerSeverity` values.
 */
import type { Diagnostic } from '../../engine/types.ts';
import { diagnosticDto } from '../../worker/diagnostics.ts';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** A diagnostic placed in one file: 1-based lines and columns, end exclusive. */
export interface EditorDiagnostic {
  file: string;
  severity: DiagnosticSeverity;
  message: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  code?: string;
}

/** `monaco.MarkerSeverity`: Info = 2, Warning = 4, Error = 8. */
export const MARKER_SEVERITY = { info: 2, warning: 4, error: 8 } as const;
export type MarkerSeverityValue = (typeof MARKER_SEVERITY)[DiagnosticSeverity];

/** The fields of `monaco.editor.IMarkerData` that the editor sets. */
export interface MarkerData {
  severity: MarkerSeverityValue;
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  code?: string;
}

/** What marker placement needs to know about the text: the shape of a Monaco text model. */
export interface TextShape {
  getLineCount(): number;
  /** One past the last character of the line (`line length + 1`). */
  getLineMaxColumn(line: number): number;
}

/** The owner under which engine markers are stored; other owners (e.g. the YAML service) stay. */
export const MARKER_OWNER = 'engine';

/** An engine diagnostic in the editor's shape: the worker's, less the object it names. */
export function fromEngineDiagnostic(d: Diagnostic): EditorDiagnostic {
  const {
    code,
    kind: _kind,
    namespace: _namespace,
    name: _name,
    path: _path,
    ...rest
  } = diagnosticDto(d);
  return { ...rest, ...(code ? { code } : {}) };
}

function whole(n: number, fallback: number): number {
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}

/**
 * The marker for one diagnostic. The range is kept as given; only values outside the text (or
 * not numbers) are pulled back inside, and a reversed range is put in order, so a stale
 * diagnostic never makes Monaco throw.
 */
export function toMarker(d: EditorDiagnostic, text?: TextShape): MarkerData {
  let startLine = Math.max(1, whole(d.startLine, 1));
  let startColumn = Math.max(1, whole(d.startColumn, 1));
  let endLine = Math.max(1, whole(d.endLine, startLine));
  let endColumn = Math.max(1, whole(d.endColumn, startColumn));
  if (endLine < startLine || (endLine === startLine && endColumn < startColumn)) {
    [startLine, endLine] = [endLine, startLine];
    [startColumn, endColumn] = [endColumn, startColumn];
  }
  if (text) {
    const lines = Math.max(1, text.getLineCount());
    startLine = clamp(startLine, 1, lines);
    endLine = clamp(endLine, startLine, lines);
    startColumn = clamp(startColumn, 1, text.getLineMaxColumn(startLine));
    endColumn = clamp(endColumn, 1, text.getLineMaxColumn(endLine));
    if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  }
  return {
    severity: MARKER_SEVERITY[d.severity] ?? MARKER_SEVERITY.error,
    message: d.message,
    startLineNumber: startLine,
    startColumn,
    endLineNumber: endLine,
    endColumn,
    ...(d.code ? { code: d.code } : {}),
  };
}

/** The markers of one file, in the order given. */
export function markersForFile(
  diagnostics: readonly EditorDiagnostic[],
  file: string,
  text?: TextShape,
): MarkerData[] {
  return diagnostics.filter((d) => d.file === file).map((d) => toMarker(d, text));
}
