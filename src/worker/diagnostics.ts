/**
 * Engine diagnostics as plain data for the page. Free of the DOM and Monaco, so the worker and
 * the editor can both use it.
 */
import type { Diagnostic } from '../engine/types.ts';
import type { DiagnosticDto } from './api.ts';

/** An engine diagnostic with its range flattened into it. */
export function diagnosticDto(d: Diagnostic): DiagnosticDto {
  return {
    file: d.range.file,
    severity: d.severity,
    code: d.code,
    message: d.message,
    startLine: d.range.startLine,
    startColumn: d.range.startColumn,
    endLine: d.range.endLine,
    endColumn: d.range.endColumn,
    ...(d.kind !== undefined ? { kind: d.kind } : {}),
    ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
    ...(d.name !== undefined ? { name: d.name } : {}),
    ...(d.path !== undefined ? { path: d.path } : {}),
  };
}
