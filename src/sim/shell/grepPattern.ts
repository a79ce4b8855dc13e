/**
 * grep patterns compiled with RE2 (re2js), never the native RegExp: matching is linear in the
 * input, so no pattern a learner types can hang the tab. Basic regexes (grep without -E) are
 * rewritten to RE2 syntax first: there `+ ? | ( ) { }` are literal unless escaped.
 */
import { RE2JS } from 're2js';

export interface GrepOptions {
  extended?: boolean;
  fixed?: boolean;
  ignoreCase?: boolean;
  /** -w: the match must be a whole word. */
  word?: boolean;
  /** -x: the match must be the whole line. */
  line?: boolean;
}

export type GrepPattern =
  | { ok: true; test: (line: string) => boolean; matches: (line: string) => string[] }
  | { ok: false };

/** A basic regular expression in RE2 syntax, or null when it is malformed. */
export function basicToRe2(p: string): string | null {
  let out = '';
  let atStart = true;
  for (let i = 0; i < p.length;) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) return null;
      if ('(){}|+?'.includes(n)) out += n;
      else if (n === '<' || n === '>') out += '\\b';
      else out += `\\${n}`;
      atStart = n === '(' || n === '|';
      i += 2;
      continue;
    }
    if ('(){}|+?'.includes(c)) out += `\\${c}`;
    else if (c === '*' && atStart) out += '\\*';
    else if (c === '^') {
      out += atStart ? '^' : '\\^';
      i++;
      continue;
    } else if (c === '$') {
      const rest = p.slice(i + 1);
      out += rest === '' || rest.startsWith('\\)') || rest.startsWith('\\|') ? '$' : '\\$';
    } else if (c === '[') {
      const end = bracketEnd(p, i);
      if (end < 0) return null;
      out += p.slice(i, end + 1).replace(/\\/g, '\\\\');
      i = end + 1;
      atStart = false;
      continue;
    } else out += c;
    atStart = false;
    i++;
  }
  return out;
}

/** Index of the `]` closing the bracket expression opened at `start`, or -1. */
function bracketEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  while (i < p.length) {
    if (p[i] === '[' && (p[i + 1] === ':' || p[i + 1] === '.' || p[i + 1] === '=')) {
      const close = p.indexOf(`${p[i + 1]}]`, i + 2);
      if (close < 0) return -1;
      i = close + 2;
    } else if (p[i] === ']') return i;
    else i++;
  }
  return -1;
}

export function compileGrep(pattern: string, opts: GrepOptions = {}): GrepPattern {
  let body: string | null;
  if (opts.fixed) body = RE2JS.quote(pattern);
  else if (opts.extended) body = pattern.replace(/\\[<>]/g, '\\b');
  else body = basicToRe2(pattern);
  if (body === null) return { ok: false };
  if (opts.word) body = `\\b(?:${body})\\b`;
  if (opts.line) body = `^(?:${body})$`;
  let re: RE2JS;
  try {
    re = RE2JS.compile(body, opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch {
    return { ok: false };
  }
  return {
    ok: true,
    test: (line) => re.test(line),
    matches: (line) => {
      const found: string[] = [];
      const m = re.matcher(line);
      while (m.find()) {
        const g = m.group();
        if (g) found.push(g);
      }
      return found;
    },
  };
}
