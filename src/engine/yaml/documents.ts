/**
 * Stage 1: text → YAML documents with positions.
 *
 * Input is what `kubectl apply -f` takes: several documents separated by `---`, and `kind: List`
 * wrappers whose `items` are objects of their own. Every object keeps a handle on its YAML node
 * so later stages can turn a field path into a line and column.
 */
import {
  LineCounter,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { Diagnostic, SourceFile, SourceRange } from '../types.ts';

/** A path into a manifest: map keys and list indexes. */
export type FieldPath = readonly (string | number)[];

/** One Kubernetes object as written in a file. */
export interface RawObject {
  /** The plain JS value of the object. */
  value: unknown;
  /** Its position in the input: file, document index, item index for `kind: List`. */
  file: string;
  docIndex: number;
  itemIndex?: number;
  /** Turns a field path, relative to the object, into a source range. */
  locate: Locator;
}

/** Finds a path's source range; `key` asks for the key of the last segment rather than its value. */
export type Locator = (path: FieldPath, part?: 'key' | 'value') => SourceRange;

/** Every object of every file, plus YAML-level diagnostics. */
export interface ParsedFiles {
  objects: RawObject[];
  diagnostics: Diagnostic[];
}

/** Renders a path in kubectl's notation: `spec.ingress[0].fromEndpoints`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

function rangeFromOffsets(file: string, lc: LineCounter, start: number, end: number): SourceRange {
  const s = lc.linePos(start);
  const e = lc.linePos(Math.max(start, end));
  return { file, startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: e.col };
}

/** Walks `path` below `node`; returns the deepest node reached and, for map keys, the key node. */
function walk(
  node: unknown,
  path: FieldPath,
): { node: YamlNode | null; keyNode: YamlNode | null; complete: boolean } {
  let current: unknown = node;
  let keyNode: YamlNode | null = null;
  let last: YamlNode | null = (current as YamlNode | null) ?? null;
  for (const seg of path) {
    if (isMap(current)) {
      const pair = current.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) return { node: last, keyNode, complete: false };
      keyNode = (pair.key as YamlNode) ?? null;
      current = pair.value;
      // A key with no value (`ingress:`) has no value node; point at the key.
      last = (pair.value as YamlNode | null) ?? keyNode;
    } else if (isSeq(current) && typeof seg === 'number') {
      const item = current.items[seg];
      if (item === undefined) return { node: last, keyNode, complete: false };
      keyNode = null;
      current = item;
      last = item as YamlNode;
    } else {
      return { node: last, keyNode, complete: false };
    }
  }
  return { node: last, keyNode, complete: true };
}

function makeLocator(
  file: string,
  lc: LineCounter,
  doc: Document.Parsed,
  base: FieldPath,
  fallback: SourceRange,
): Locator {
  return (path, part = 'value') => {
    const found = walk(doc.contents, [...base, ...path]);
    const target = part === 'key' && found.complete && found.keyNode ? found.keyNode : found.node;
    const r = target?.range;
    if (!r) return fallback;
    // range[1] is the end of the value proper, before trailing comments.
    return rangeFromOffsets(file, lc, r[0], r[1]);
  };
}

/** Parses every file into objects; YAML errors become diagnostics and never throw. */
export function parseFiles(files: readonly SourceFile[]): ParsedFiles {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const lc = new LineCounter();
    let docs: Document.Parsed[];
    try {
      docs = parseAllDocuments(f.text, {
        lineCounter: lc,
        prettyErrors: false,
      }) as Document.Parsed[];
    } catch (err) {
      diagnostics.push({
        severity: 'error',
        code: 'yaml-syntax',
        message: `cannot read YAML: ${(err as Error).message}`,
        range: { file: f.name, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      });
      continue;
    }
    if (!Array.isArray(docs)) docs = [];
    docs.forEach((doc, docIndex) => {
      if (doc.errors.length > 0) {
        const docStart = doc.range?.[0] ?? 0;
        for (const e of doc.errors) {
          const [start, end] = withinDocument(f.text, docStart, e.pos[0], e.pos[1]);
          diagnostics.push({
            severity: 'error',
            code: 'yaml-syntax',
            message: `YAML syntax error: ${firstLine(e.message)}`,
            range: rangeFromOffsets(f.name, lc, start, end),
          });
        }
        return;
      }
      const docRange = doc.range
        ? rangeFromOffsets(f.name, lc, doc.range[0], doc.range[1])
        : { file: f.name, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        diagnostics.push({
          severity: 'error',
          code: 'yaml-syntax',
          message: `cannot read YAML: ${firstLine((err as Error).message)}`,
          range: docRange,
        });
        return;
      }
      if (value === null || value === undefined) return; // an empty document, e.g. a trailing `---`
      const obj = value as Record<string, unknown>;
      if (
        typeof value === 'object' &&
        !Array.isArray(value) &&
        typeof obj.kind === 'string' &&
        obj.kind.endsWith('List') &&
        Array.isArray(obj.items)
      ) {
        obj.items.forEach((item, itemIndex) => {
          const base = ['items', itemIndex];
          const locate = makeLocator(f.name, lc, doc, base, docRange);
          objects.push({ value: item, file: f.name, docIndex, itemIndex, locate });
        });
        return;
      }
      objects.push({
        value,
        file: f.name,
        docIndex,
        locate: makeLocator(f.name, lc, doc, [], docRange),
      });
    });
  }
  return { objects, diagnostics };
}

/**
 * Errors about something left open (a flow collection, a quote) are raised where the parser gave
 * up: at the end of the document, i.e. on the next `---` or past the last line. Such a position is
 * moved back to the end of the document's last line with content, so the message points into the
 * document that is broken rather than at its neighbour.
 */
function withinDocument(
  text: string,
  docStart: number,
  start: number,
  end: number,
): [number, number] {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const onContent = text.slice(lineStart, start).trim() !== '' || !atDocumentEnd(text, start);
  if (onContent || start <= docStart) return [start, end];
  let i = lineStart;
  while (i > docStart) {
    const prevStart = text.lastIndexOf('\n', i - 2) + 1;
    const line = text.slice(Math.max(prevStart, docStart), i - 1);
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) {
      const at = Math.max(prevStart, docStart) + line.trimEnd().length;
      return [at, at];
    }
    i = prevStart;
  }
  return [start, end];
}

/** Whether `pos` starts a document marker line or is the end of the text (only blanks left). */
function atDocumentEnd(text: string, pos: number): boolean {
  const rest = text.slice(pos);
  return /^(---|\.\.\.)(\s|$)/.test(rest) || rest.trim() === '';
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  // The yaml package appends "at line X, column Y"; the range already says where.
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
