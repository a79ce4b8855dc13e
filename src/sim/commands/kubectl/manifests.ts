/**
 * Reading `-f` inputs the way kubectl's resource builder does: a file name (a live file, a
 * workspace file, a local path), `-` for stdin, or a URL (served from the workspace by its last
 * path segment). Documents are split at `---` and converted one by one, so a YAML error is
 * reported with its line inside the document, as kubectl does; nothing is applied from an input
 * that has one. `kind: List` documents are flattened.
 */
import { LineCounter, parseAllDocuments, type YAMLError } from 'yaml';
import type { SimWorld } from '../../world.ts';
import { isObj, type Obj } from './catalog.ts';

export interface Input {
  /** The name errors quote: the path as typed, or `STDIN`. */
  source: string;
  text: string;
}

export type ReadResult = { ok: true; input: Input } | { ok: false; error: string };

/** Finds the text of one `-f` argument. */
export function readInput(world: SimWorld, arg: string, stdin: string): ReadResult {
  if (arg === '-') return { ok: true, input: { source: 'STDIN', text: stdin } };
  if (/^https?:\/\//.test(arg)) {
    const base =
      arg
        .replace(/[?#].*$/, '')
        .split('/')
        .pop() ?? '';
    const text = world.file(arg) ?? (base ? world.file(base) : undefined);
    if (text === undefined)
      return {
        ok: false,
        error: `unable to read URL "${arg}", server reported 404 Not Found, status code=404`,
      };
    return { ok: true, input: { source: arg, text } };
  }
  const text =
    world.file(arg) ?? world.file(arg.replace(/^\.\//, '')) ?? world.readLocalFile?.(arg);
  if (text === undefined) return { ok: false, error: `the path "${arg}" does not exist` };
  return { ok: true, input: { source: arg, text } };
}

export type ParseResult = { ok: true; objects: Obj[] } | { ok: false; error: string };

/** Splits an input into objects, or the first error kubectl would stop at. */
export function parseInput(input: Input): ParseResult {
  const objects: Obj[] = [];
  const lines = input.text.split('\n');
  // Line (0-based) of each `---` separator: errors count lines from the document's start.
  const separators: number[] = [];
  lines.forEach((l, i) => {
    if (/^---(\s|$)/.test(l)) separators.push(i);
  });
  const lc = new LineCounter();
  const docs = parseAllDocuments(input.text, {
    lineCounter: lc,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const { line, message } = goYamlError(error, input.text, lc);
      const docStart = [...separators].reverse().find((s) => s < line - 1);
      const rel = docStart === undefined ? line : line - 1 - docStart;
      return {
        ok: false,
        error: `error parsing ${input.source}: error converting YAML to JSON: yaml: line ${rel}: ${message}`,
      };
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (!isObj(value)) {
      return {
        ok: false,
        error: `error validating "${input.source}": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false`,
      };
    }
    const flat =
      typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)
        ? value.items
        : [value];
    for (const item of flat) {
      const missing: string[] = [];
      if (!isObj(item) || typeof item.apiVersion !== 'string' || item.apiVersion === '')
        missing.push('apiVersion not set');
      if (!isObj(item) || typeof item.kind !== 'string' || item.kind === '')
        missing.push('kind not set');
      if (missing.length > 0) {
        const what = missing.length === 1 ? missing[0] : `[${missing.join(', ')}]`;
        return {
          ok: false,
          error: `error validating "${input.source}": error validating data: ${what}; if you choose to ignore these errors, turn validation off with --validate=false`,
        };
      }
      objects.push(item as Obj);
    }
  }
  return { ok: true, objects };
}

/** go-yaml's wording and line for what the `yaml` package reports. */
function goYamlError(
  e: YAMLError,
  text: string,
  lc: LineCounter,
): { line: number; message: string } {
  const at = e.pos[0];
  const line = lc.linePos(at).line;
  switch (e.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      // go-yaml stops at the colon of the key it cannot take.
      const m = /:(\s|$)/.exec(text.slice(at));
      const colonLine = m ? lc.linePos(at + m.index).line : line;
      return { line: colonLine, message: 'mapping values are not allowed in this context' };
    }
    case 'TAB_AS_INDENT':
    case 'BAD_SCALAR_START':
      return { line, message: 'found character that cannot start any token' };
    case 'MISSING_CHAR':
      return { line, message: 'found unexpected end of stream' };
    case 'BAD_INDENT':
      if (/sequence items/.test(e.message))
        return { line, message: "did not find expected '-' indicator" };
      if (/Flow sequence/.test(e.message))
        return { line, message: "did not find expected ',' or ']'" };
      if (/Flow mapping/.test(e.message))
        return { line, message: "did not find expected ',' or '}'" };
      return { line, message: 'did not find expected key' };
    default:
      return { line, message: 'did not find expected key' };
  }
}
