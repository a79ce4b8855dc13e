/**
 * Helpers for completing inside one document of a multi-document YAML file. The YAML language
 * service finds no node for a cursor on a blank line below a key that has no value yet (`spec:`
 * and nothing under it) when other documents share the file, and so proposes nothing; asked about
 * that document alone, it answers. Pure: the Monaco side lives in monaco.ts.
 */

/** A line that starts or ends a YAML document: `---` or `...`, alone or before a space. */
const SEPARATOR = /^(---|\.\.\.)(\s|$)/;

export interface DocumentSlice {
  /** 1-based number of the document's first line in the file. */
  firstLine: number;
  /** The document's lines, joined. */
  text: string;
}

/** Whether a line holds nothing but spaces and tabs. */
export function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/**
 * The YAML document around 1-based `line`, or undefined when the file is a single document (or
 * the line is a separator itself), where there is nothing to cut out.
 */
export function documentAround(lines: readonly string[], line: number): DocumentSlice | undefined {
  const index = line - 1;
  if (index < 0 || index >= lines.length) return undefined;
  if (SEPARATOR.test(lines[index] ?? '')) return undefined;
  let start = index;
  while (start > 0 && !SEPARATOR.test(lines[start - 1] ?? '')) start--;
  let end = index;
  while (end < lines.length - 1 && !SEPARATOR.test(lines[end + 1] ?? '')) end++;
  if (start === 0 && end === lines.length - 1) return undefined;
  return { firstLine: start + 1, text: lines.slice(start, end + 1).join('\n') };
}

/** A range as Monaco completion items carry it. */
export interface LineRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** `range` moved down by `lines` lines. */
export function shiftRange<R extends LineRange>(range: R, lines: number): R {
  return {
    ...range,
    startLineNumber: range.startLineNumber + lines,
    endLineNumber: range.endLineNumber + lines,
  };
}

/** A completion item's range: one range, or Monaco's insert/replace pair. */
export type ItemRange = LineRange | { insert: LineRange; replace: LineRange };

/** An item range moved down by `lines` lines. */
export function shiftItemRange(range: ItemRange, lines: number): ItemRange {
  if ('insert' in range)
    return {
      ...range,
      insert: shiftRange(range.insert, lines),
      replace: shiftRange(range.replace, lines),
    };
  return shiftRange(range, lines);
}
