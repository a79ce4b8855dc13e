import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../engine/types.ts';
import { documentAround, isBlank, shiftItemRange, shiftRange } from './completion.ts';
import {
  fromEngineDiagnostic,
  MARKER_SEVERITY,
  markersForFile,
  toMarker,
  type EditorDiagnostic,
  type TextShape,
} from './diagnostics.ts';
import {
  LINT_SOURCE,
  lintMarkersForFile,
  quickFixesAt,
  type EditorLintFinding,
  type MonacoRange,
} from './lint-markers.ts';
import { checkFiles, TabModel } from './tabs.ts';
import type { LintFinding } from '../../worker/api.ts';

/** A text's shape as a Monaco model reports it. */
function shape(text: string): TextShape {
  const lines = text.split('\n');
  return {
    getLineCount: () => lines.length,
    getLineMaxColumn: (line) => (lines[line - 1] ?? '').length + 1,
  };
}

const base: EditorDiagnostic = {
  file: 'a.yaml',
  severity: 'error',
  message: 'bad',
  startLine: 2,
  startColumn: 3,
  endLine: 2,
  endColumn: 7,
};

describe('diagnostics to markers', () => {
  it('keeps the exact range, message and code, with the Monaco severity', () => {
    expect(toMarker({ ...base, code: 'unknown-field' })).toEqual({
      severity: 8,
      message: 'bad',
      startLineNumber: 2,
      startColumn: 3,
      endLineNumber: 2,
      endColumn: 7,
      code: 'unknown-field',
    });
    expect(toMarker({ ...base, severity: 'warning' }).severity).toBe(MARKER_SEVERITY.warning);
    expect(toMarker({ ...base, severity: 'info' }).severity).toBe(MARKER_SEVERITY.info);
    expect(toMarker(base)).not.toHaveProperty('code');
  });

  it('keeps ranges over several lines and empty ranges', () => {
    const many = toMarker({ ...base, startLine: 3, startColumn: 1, endLine: 5, endColumn: 2 });
    expect([many.startLineNumber, many.startColumn, many.endLineNumber, many.endColumn]).toEqual([
      3, 1, 5, 2,
    ]);
    const empty = toMarker({ ...base, endColumn: 3 });
    expect([empty.startColumn, empty.endColumn]).toEqual([3, 3]);
  });

  it('puts reversed ranges in order and never goes below line or column 1', () => {
    const reversed = toMarker({ ...base, startLine: 4, startColumn: 2, endLine: 2, endColumn: 5 });
    expect([
      reversed.startLineNumber,
      reversed.startColumn,
      reversed.endLineNumber,
      reversed.endColumn,
    ]).toEqual([2, 5, 4, 2]);
    const zero = toMarker({ ...base, startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 });
    expect([zero.startLineNumber, zero.startColumn, zero.endLineNumber, zero.endColumn]).toEqual([
      1, 1, 1, 1,
    ]);
    const nan = toMarker({ ...base, startLine: Number.NaN, endColumn: Number.NaN });
    expect(nan.startLineNumber).toBe(1);
    expect(nan.endColumn).toBeGreaterThanOrEqual(nan.startColumn);
  });

  it('pulls stale ranges back inside the current text', () => {
    const text = shape('ab\nabcd\n');
    const past = toMarker(
      { ...base, startLine: 2, startColumn: 3, endLine: 9, endColumn: 40 },
      text,
    );
    expect([past.startLineNumber, past.startColumn, past.endLineNumber, past.endColumn]).toEqual([
      2, 3, 3, 1,
    ]);
    const wide = toMarker(
      { ...base, startLine: 1, startColumn: 9, endLine: 1, endColumn: 12 },
      text,
    );
    expect([wide.startColumn, wide.endColumn]).toEqual([3, 3]);
    // Inside the text nothing moves.
    expect(toMarker(base, shape('line one\nline two\n'))).toEqual(toMarker(base));
  });

  it('selects the diagnostics of one file', () => {
    const list: EditorDiagnostic[] = [
      base,
      { ...base, file: 'b.yaml', message: 'other file' },
      { ...base, startLine: 5, endLine: 5, message: 'second' },
    ];
    expect(markersForFile(list, 'a.yaml').map((m) => m.message)).toEqual(['bad', 'second']);
    expect(markersForFile(list, 'c.yaml')).toEqual([]);
  });

  it('flattens engine diagnostics', () => {
    const d: Diagnostic = {
      severity: 'warning',
      code: 'unknown-field',
      message: 'strict decoding error: unknown field "spec.ingres"',
      range: { file: 'p.yaml', startLine: 8, startColumn: 3, endLine: 8, endColumn: 9 },
      kind: 'CiliumNetworkPolicy',
      path: 'spec.ingres',
    };
    expect(fromEngineDiagnostic(d)).toEqual({
      file: 'p.yaml',
      severity: 'warning',
      message: d.message,
      startLine: 8,
      startColumn: 3,
      endLine: 8,
      endColumn: 9,
      code: 'unknown-field',
    });
  });
});

describe('lint findings to markers and quick fixes', () => {
  // policy.yaml, line 10: `  ingress: []`, the list at columns 12-14.
  const policy = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', '  ingress: []', '  egress: [{}]'];
  const empty: LintFinding = {
    file: 'policy.yaml',
    startLine: 10,
    startColumn: 12,
    endLine: 10,
    endColumn: 14,
    code: 'empty-list-no-default-deny',
    severity: 'warning',
    message: '`ingress: []` is the same as leaving ingress out',
    fix: {
      title: 'Replace ingress: [] with ingress: [{}]',
      range: { startLine: 10, startColumn: 12, endLine: 10, endColumn: 14 },
      text: '[{}]',
    },
  };
  const note: EditorLintFinding = {
    file: 'policy.yaml',
    startLine: 11,
    startColumn: 12,
    endLine: 11,
    endColumn: 14,
    code: 'some-note',
    severity: 'info',
    message: 'a note without a fix',
  };
  // The worker's findings go to the editor as they are.
  const findings: EditorLintFinding[] = [
    empty,
    note,
    { ...empty, file: 'other.yaml', severity: 'error', message: 'elsewhere' },
  ];
  const at = (line: number, column: number, endLine = line, endColumn = column): MonacoRange => ({
    startLineNumber: line,
    startColumn: column,
    endLineNumber: endLine,
    endColumn,
  });

  it('makes one marker per finding of the file, with its code, source and severity', () => {
    expect(lintMarkersForFile(findings, 'policy.yaml', shape(policy.join('\n')))).toEqual([
      {
        severity: 4,
        message: empty.message,
        startLineNumber: 10,
        startColumn: 12,
        endLineNumber: 10,
        endColumn: 14,
        code: 'empty-list-no-default-deny',
        source: LINT_SOURCE,
      },
      expect.objectContaining({ severity: 2, code: 'some-note', startLineNumber: 11 }),
    ]);
    expect(lintMarkersForFile(findings, 'other.yaml').map((m) => m.severity)).toEqual([8]);
    expect(lintMarkersForFile(findings, 'none.yaml')).toEqual([]);
  });

  it('offers the fix of a marker the cursor is on or touches', () => {
    const text = shape(policy.join('\n'));
    for (const column of [12, 13, 14]) {
      const fixes = quickFixesAt(findings, 'policy.yaml', at(10, column), text);
      expect(fixes).toEqual([
        {
          title: 'Replace ingress: [] with ingress: [{}]',
          marker: lintMarkersForFile([empty], 'policy.yaml', text)[0],
          range: at(10, 12, 10, 14),
          text: '[{}]',
        },
      ]);
    }
    // A selection over several lines that includes the marker.
    expect(quickFixesAt(findings, 'policy.yaml', at(9, 1, 11, 3), text)).toHaveLength(1);
  });

  it('offers nothing away from a marker, for findings without a fix, or in other files', () => {
    const text = shape(policy.join('\n'));
    expect(quickFixesAt(findings, 'policy.yaml', at(10, 3), text)).toEqual([]);
    expect(quickFixesAt(findings, 'policy.yaml', at(10, 11), text)).toEqual([]);
    expect(quickFixesAt(findings, 'policy.yaml', at(9, 1, 9, 2), text)).toEqual([]);
    expect(quickFixesAt(findings, 'policy.yaml', at(11, 12), text)).toEqual([]);
    expect(quickFixesAt(findings, 'none.yaml', at(10, 12), text)).toEqual([]);
  });

  it('keeps a fix range inside the text', () => {
    const short = shape('a\n  ingress: [');
    const [fix] = quickFixesAt([empty], 'policy.yaml', at(2, 12), short);
    expect(fix?.range).toEqual(at(2, 12, 2, 13));
  });
});

describe('tab model', () => {
  const files = [
    { name: 'policy.yaml', text: 'a' },
    { name: 'extra.yaml', text: 'b' },
    { name: 'cluster.yaml', text: 'c', readOnly: true },
  ];

  it('shows the first file and keeps edits', () => {
    const tabs = new TabModel(files);
    expect(tabs.activeFile).toBe('policy.yaml');
    expect(tabs.names()).toEqual(['policy.yaml', 'extra.yaml', 'cluster.yaml']);
    expect(tabs.update('policy.yaml', 'edited')).toBe(true);
    expect(tabs.update('missing.yaml', 'x')).toBe(false);
    expect(tabs.activate('cluster.yaml')).toBe(true);
    expect(tabs.activate('cluster.yaml')).toBe(false);
    expect(tabs.activate('missing.yaml')).toBe(false);
    expect(tabs.get('policy.yaml')?.text).toBe('edited');
    expect(tabs.get('cluster.yaml')?.readOnly).toBe(true);
    expect(tabs.get('policy.yaml')).not.toHaveProperty('readOnly');
  });

  it('hands out copies', () => {
    const tabs = new TabModel(files);
    const listed = tabs.list();
    (listed[0] as { text: string }).text = 'changed outside';
    expect(tabs.get('policy.yaml')?.text).toBe('a');
  });

  it('moves between tabs with the arrow keys, Home and End', () => {
    const tabs = new TabModel(files);
    expect(tabs.keyTarget('ArrowRight')).toBe('extra.yaml');
    expect(tabs.keyTarget('ArrowLeft')).toBe('cluster.yaml');
    expect(tabs.keyTarget('ArrowRight', 'cluster.yaml')).toBe('policy.yaml');
    expect(tabs.keyTarget('End')).toBe('cluster.yaml');
    expect(tabs.keyTarget('Home', 'cluster.yaml')).toBe('policy.yaml');
    expect(tabs.keyTarget('Enter')).toBeUndefined();
    expect(tabs.keyTarget('ArrowDown')).toBeUndefined();
    expect(new TabModel([]).keyTarget('ArrowRight')).toBeUndefined();
  });

  it('reports what setFiles adds, keeps and removes, and keeps the shown file', () => {
    const tabs = new TabModel(files);
    tabs.activate('extra.yaml');
    const update = tabs.setFiles([
      { name: 'extra.yaml', text: 'b2' },
      { name: 'new.yaml', text: 'n', readOnly: true },
    ]);
    expect(update.added).toEqual([{ name: 'new.yaml', text: 'n', readOnly: true }]);
    expect(update.kept).toEqual([{ name: 'extra.yaml', text: 'b2' }]);
    expect(update.removed.sort()).toEqual(['cluster.yaml', 'policy.yaml']);
    expect(tabs.activeFile).toBe('extra.yaml');
    expect(tabs.get('extra.yaml')?.text).toBe('b2');
  });

  it('shows the first file when the shown one goes away', () => {
    const tabs = new TabModel(files);
    tabs.activate('cluster.yaml');
    tabs.setFiles([files[1]!, files[0]!]);
    expect(tabs.activeFile).toBe('extra.yaml');
    tabs.setFiles([]);
    expect(tabs.activeFile).toBeUndefined();
    tabs.setFiles([files[2]!]);
    expect(tabs.activeFile).toBe('cluster.yaml');
  });

  it('rejects nameless and duplicated files', () => {
    expect(() => checkFiles([{ name: '', text: '' }])).toThrow(/name/);
    expect(() => new TabModel([files[0]!, { ...files[0]! }])).toThrow(/policy\.yaml/);
    expect(() => checkFiles(files)).not.toThrow();
  });
});

describe('completion inside one document', () => {
  const lines = [
    'kind: A', // 1
    '---', // 2
    'apiVersion: cilium.io/v2', // 3
    'spec:', // 4
    '  ', // 5
    '--- # next', // 6
    'kind: C', // 7
  ];

  it('cuts out the document around a line', () => {
    expect(documentAround(lines, 5)).toEqual({
      firstLine: 3,
      text: 'apiVersion: cilium.io/v2\nspec:\n  ',
    });
    expect(documentAround(lines, 1)).toEqual({ firstLine: 1, text: 'kind: A' });
    expect(documentAround(lines, 7)).toEqual({ firstLine: 7, text: 'kind: C' });
  });

  it('leaves single documents, separators and lines outside the text alone', () => {
    expect(documentAround(['kind: A', 'spec:', '  '], 3)).toBeUndefined();
    expect(documentAround(lines, 2)).toBeUndefined();
    expect(documentAround(lines, 0)).toBeUndefined();
    expect(documentAround(lines, 8)).toBeUndefined();
    // `---` inside a value is not a separator.
    expect(documentAround(['a: |', '  ---x', 'b: 1'], 3)).toBeUndefined();
  });

  it('recognises blank lines', () => {
    expect(isBlank('')).toBe(true);
    expect(isBlank('  \t')).toBe(true);
    expect(isBlank('  a')).toBe(false);
  });

  it('moves ranges back to the document place', () => {
    const range = { startLineNumber: 3, startColumn: 2, endLineNumber: 3, endColumn: 5 };
    expect(shiftRange(range, 2)).toEqual({ ...range, startLineNumber: 5, endLineNumber: 5 });
    expect(shiftItemRange({ insert: range, replace: range }, 10)).toEqual({
      insert: { ...range, startLineNumber: 13, endLineNumber: 13 },
      replace: { ...range, startLineNumber: 13, endLineNumber: 13 },
    });
  });
});
