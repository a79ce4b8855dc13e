/**
 * Tokenizer and parser for the small POSIX-like language the terminal accepts:
 *
 *   script   := andOr ((';' | newline) andOr)*
 *   andOr    := pipeline (('&&' | '||') pipeline)*
 *   pipeline := command ('|' command)*
 *   command  := (NAME=value)* (word | redirect)+
 *
 * Words take single quotes, double quotes (with `$VAR`, `${VAR}`, `$?`, `$(...)` and backslash
 * escapes inside), backslashes, unquoted expansions, backquotes and `#` comments. Redirections are
 * parsed; which targets work is the runner's business. `parse` never throws: bad input comes back
 * as a `ParseError` that `formatParseError` words like busybox `sh` or bash.
 */

export type WordPart =
  | { kind: 'text'; text: string; quoted: boolean }
  /** `$NAME`, `${NAME}`, `$?`, `$1`; `fallback` is `${NAME:-text}` / `${NAME-text}`. */
  | { kind: 'param'; name: string; quoted: boolean; fallback?: { text: string; ifEmpty: boolean } }
  /** `$(...)` or a backquoted command. */
  | { kind: 'subst'; script: Script; quoted: boolean };

export interface Word {
  parts: WordPart[];
}

export interface Assignment {
  name: string;
  value: Word;
}

/** `&>` sends both stdout and stderr (fd is 1). */
export type RedirectOp = '>' | '>>' | '<' | '>&' | '<&' | '&>';

export interface Redirect {
  fd: number;
  op: RedirectOp;
  target: Word;
}

export interface SimpleCommand {
  assignments: Assignment[];
  words: Word[];
  redirects: Redirect[];
}

export interface Pipeline {
  commands: SimpleCommand[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface Script {
  items: AndOr[];
}

export type ParseError =
  /** A token where it cannot stand; `\n` stands for a newline. */
  | { kind: 'unexpected'; token: string }
  /** The line ended where a command was still expected (`a |`). */
  | { kind: 'eof' }
  /** The line ended inside a quote, `$(`, `${` or backquote. */
  | { kind: 'unmatched'; close: '"' | "'" | '`' | ')' | '}' }
  | { kind: 'bad-substitution'; text: string }
  /** Valid shell this terminal does not run (background jobs, arithmetic, here-documents). */
  | { kind: 'unsupported'; what: string };

export type ParseResult = { ok: true; script: Script } | { ok: false; error: ParseError };

/** Exit code of a line that does not parse. */
export const SYNTAX_ERROR_EXIT = 2;

const MAX_DEPTH = 32;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const SPECIAL_PARAMS = '?$#@*!-0123456789';
const WORD_END = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '(', ')', '<', '>']);

type Token =
  | { t: 'word'; word: Word }
  | { t: 'redir'; op: RedirectOp; fd: number; text: string }
  | { t: 'op'; op: string }
  | { t: 'nl' }
  | { t: 'eof' };

class Failure {
  constructor(readonly error: ParseError) {}
}

function pushText(parts: WordPart[], text: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last && last.kind === 'text' && last.quoted === quoted) last.text += text;
  else parts.push({ kind: 'text', text, quoted });
}

function isDigits(s: string): boolean {
  return s.length > 0 && s.length < 4 && /^[0-9]+$/.test(s);
}

class Parser {
  private pos = 0;
  private peeked: Token | null = null;

  constructor(
    private readonly src: string,
    private depth: number,
  ) {}

  parseScript(term: ')' | null): Script {
    const items: AndOr[] = [];
    for (;;) {
      let tok = this.peek();
      while (tok.t === 'nl') {
        this.next();
        tok = this.peek();
      }
      if (tok.t === 'eof') {
        if (term) throw new Failure({ kind: 'unmatched', close: term });
        return { items };
      }
      if (tok.t === 'op' && tok.op === ')' && term) {
        this.next();
        return { items };
      }
      items.push(this.parseAndOr());
      tok = this.peek();
      if ((tok.t === 'op' && tok.op === ';') || tok.t === 'nl') this.next();
      else if (tok.t === 'op' && tok.op === '&') {
        throw new Failure({ kind: 'unsupported', what: 'running a command in the background (&)' });
      } else if (!(tok.t === 'eof' || (tok.t === 'op' && tok.op === ')' && term))) {
        throw new Failure(this.unexpected(tok));
      }
    }
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const tok = this.peek();
      if (tok.t !== 'op' || (tok.op !== '&&' && tok.op !== '||')) return { first, rest };
      this.next();
      this.skipNewlines();
      rest.push({ op: tok.op, pipeline: this.parsePipeline() });
    }
  }

  private parsePipeline(): Pipeline {
    const commands = [this.parseCommand()];
    for (;;) {
      const tok = this.peek();
      if (tok.t !== 'op' || tok.op !== '|') return { commands };
      this.next();
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
  }

  private parseCommand(): SimpleCommand {
    const cmd: SimpleCommand = { assignments: [], words: [], redirects: [] };
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'word') {
        this.next();
        const assignment = cmd.words.length === 0 ? asAssignment(tok.word) : null;
        if (assignment) cmd.assignments.push(assignment);
        else cmd.words.push(tok.word);
      } else if (tok.t === 'redir') {
        this.next();
        const target = this.peek();
        if (target.t !== 'word') throw new Failure(this.unexpected(target));
        this.next();
        cmd.redirects.push({ fd: tok.fd, op: tok.op, target: target.word });
      } else {
        if (cmd.assignments.length + cmd.words.length + cmd.redirects.length === 0) {
          throw new Failure(this.unexpected(tok));
        }
        return cmd;
      }
    }
  }

  private skipNewlines(): void {
    while (this.peek().t === 'nl') this.next();
  }

  private unexpected(tok: Token): ParseError {
    switch (tok.t) {
      case 'eof':
        return { kind: 'eof' };
      case 'nl':
        return { kind: 'unexpected', token: '\n' };
      case 'op':
        return { kind: 'unexpected', token: tok.op };
      case 'redir':
        return { kind: 'unexpected', token: tok.text };
      case 'word':
        return { kind: 'unexpected', token: 'word' };
    }
  }

  // ---- tokens ----

  private peek(): Token {
    this.peeked ??= this.lex();
    return this.peeked;
  }

  private next(): Token {
    const tok = this.peek();
    this.peeked = null;
    return tok;
  }

  private lex(): Token {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : nl;
      } else break;
    }
    if (this.pos >= s.length) return { t: 'eof' };
    const c = s[this.pos]!;
    const two = s.slice(this.pos, this.pos + 2);
    if (c === '\n') {
      this.pos++;
      return { t: 'nl' };
    }
    if (two === '&&' || two === '||' || two === ';;') {
      this.pos += 2;
      return { t: 'op', op: two };
    }
    if (two === '&>') {
      this.pos += 2;
      return { t: 'redir', op: '&>', fd: 1, text: '&>' };
    }
    if (c === '<' || c === '>') return this.lexRedirect(-1);
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      this.pos++;
      return { t: 'op', op: c };
    }
    // `2>&1`: a short run of digits right before < or > is a file descriptor.
    let end = this.pos;
    while (end < s.length && end - this.pos < 4 && s[end]! >= '0' && s[end]! <= '9') end++;
    const digits = s.slice(this.pos, end);
    if (isDigits(digits) && (s[end] === '<' || s[end] === '>')) {
      this.pos = end;
      return this.lexRedirect(Number(digits));
    }
    return { t: 'word', word: this.lexWord() };
  }

  private lexRedirect(fd: number): Token {
    const s = this.src;
    const c = s[this.pos]!;
    const n = s[this.pos + 1];
    let op: RedirectOp;
    if (c === '<' && n === '<') {
      throw new Failure({ kind: 'unsupported', what: 'a here-document (<<)' });
    } else if (c === '>' && n === '>') op = '>>';
    else if (n === '&') op = c === '>' ? '>&' : '<&';
    else op = c === '>' ? '>' : '<';
    this.pos += op.length;
    const defaultFd = op === '<' || op === '<&' ? 0 : 1;
    return { t: 'redir', op, fd: fd < 0 ? defaultFd : fd, text: op };
  }

  private lexWord(): Word {
    const s = this.src;
    const parts: WordPart[] = [];
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (WORD_END.has(c)) break;
      if (c === '\\') {
        const n = s[this.pos + 1];
        if (n === undefined) {
          pushText(parts, '\\', false);
          this.pos++;
        } else if (n === '\n') this.pos += 2;
        else {
          pushText(parts, n, true);
          this.pos += 2;
        }
      } else if (c === "'") {
        const close = s.indexOf("'", this.pos + 1);
        if (close < 0) throw new Failure({ kind: 'unmatched', close: "'" });
        pushText(parts, s.slice(this.pos + 1, close), true);
        this.pos = close + 1;
      } else if (c === '"') {
        this.lexDoubleQuoted(parts);
      } else if (c === '$') {
        this.lexDollar(parts, false);
      } else if (c === '`') {
        parts.push(this.lexBackquote(false));
      } else {
        pushText(parts, c, false);
        this.pos++;
      }
    }
    return { parts };
  }

  private lexDoubleQuoted(parts: WordPart[]): void {
    const s = this.src;
    this.pos++;
    const before = parts.length;
    for (;;) {
      if (this.pos >= s.length) throw new Failure({ kind: 'unmatched', close: '"' });
      const c = s[this.pos]!;
      if (c === '"') {
        this.pos++;
        // `""` is still a word, even an empty one.
        if (parts.length === before) pushText(parts, '', true);
        return;
      }
      if (c === '\\') {
        const n = s[this.pos + 1];
        if (n === '\n') this.pos += 2;
        else if (n === '$' || n === '`' || n === '"' || n === '\\') {
          pushText(parts, n, true);
          this.pos += 2;
        } else {
          pushText(parts, '\\', true);
          this.pos++;
        }
      } else if (c === '$') this.lexDollar(parts, true);
      else if (c === '`') parts.push(this.lexBackquote(true));
      else {
        pushText(parts, c, true);
        this.pos++;
      }
    }
  }

  /** At a `$`: a parameter, `${...}`, `$(...)`, or a plain dollar sign. */
  private lexDollar(parts: WordPart[], quoted: boolean): void {
    const s = this.src;
    const n = s[this.pos + 1];
    if (n === '(') {
      if (s[this.pos + 2] === '(') {
        throw new Failure({ kind: 'unsupported', what: 'arithmetic expansion $((...))' });
      }
      this.pos += 2;
      parts.push({ kind: 'subst', script: this.nested(() => this.parseScript(')')), quoted });
      return;
    }
    if (n === '{') {
      const close = s.indexOf('}', this.pos + 2);
      if (close < 0) throw new Failure({ kind: 'unmatched', close: '}' });
      const body = s.slice(this.pos + 2, close);
      parts.push(braceParam(body, quoted));
      this.pos = close + 1;
      return;
    }
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      let end = this.pos + 2;
      while (end < s.length && /[A-Za-z0-9_]/.test(s[end]!)) end++;
      parts.push({ kind: 'param', name: s.slice(this.pos + 1, end), quoted });
      this.pos = end;
      return;
    }
    if (n !== undefined && SPECIAL_PARAMS.includes(n)) {
      parts.push({ kind: 'param', name: n, quoted });
      this.pos += 2;
      return;
    }
    pushText(parts, '$', quoted);
    this.pos++;
  }

  /** A backquoted command: its text up to the closing backquote is parsed on its own. */
  private lexBackquote(quoted: boolean): WordPart {
    const s = this.src;
    let i = this.pos + 1;
    let body = '';
    for (;;) {
      if (i >= s.length) throw new Failure({ kind: 'unmatched', close: '`' });
      const c = s[i]!;
      if (c === '`') break;
      if (c === '\\' && (s[i + 1] === '`' || s[i + 1] === '\\' || s[i + 1] === '$')) {
        body += s[i + 1];
        i += 2;
      } else {
        body += c;
        i++;
      }
    }
    this.pos = i + 1;
    const script = this.nested(() => new Parser(body, this.depth + 1).parseScript(null));
    return { kind: 'subst', script, quoted };
  }

  private nested(parse: () => Script): Script {
    if (this.depth >= MAX_DEPTH) {
      throw new Failure({ kind: 'unsupported', what: 'command substitution nested this deeply' });
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }
}

function braceParam(body: string, quoted: boolean): WordPart {
  if (NAME.test(body) || /^[0-9]+$/.test(body) || (body.length === 1 && '?$#@*!-'.includes(body))) {
    return { kind: 'param', name: body, quoted };
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?)-(.*)$/s.exec(body);
  if (m) {
    return {
      kind: 'param',
      name: m[1]!,
      quoted,
      fallback: { text: m[3]!, ifEmpty: m[2] === ':' },
    };
  }
  if (/^#?[A-Za-z_][A-Za-z0-9_]*($|:?[-=+?]|[#%]{1,2}|\/)/.test(body)) {
    throw new Failure({ kind: 'unsupported', what: `the parameter expansion \${${body}}` });
  }
  throw new Failure({ kind: 'bad-substitution', text: `\${${body}}` });
}

function asAssignment(word: Word): Assignment | null {
  const first = word.parts[0];
  if (!first || first.kind !== 'text' || first.quoted) return null;
  const m = ASSIGNMENT.exec(first.text);
  if (!m) return null;
  const rest = first.text.slice(m[0].length);
  const parts: WordPart[] = rest === '' ? [] : [{ kind: 'text', text: rest, quoted: false }];
  return { name: m[1]!, value: { parts: [...parts, ...word.parts.slice(1)] } };
}

/** Parses one input line (which may hold newlines, as a paste does). Never throws. */
export function parse(line: string): ParseResult {
  try {
    return { ok: true, script: new Parser(line, 0).parseScript(null) };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: e.error };
    return { ok: false, error: { kind: 'unsupported', what: 'input this complex' } };
  }
}

const REDIRECTIONS = new Set(['>', '>>', '<', '>&', '<&', '&>']);

/** The message a shell prints for a syntax error, with its newline. */
export function formatParseError(error: ParseError, shell: 'sh' | 'bash'): string {
  if (shell === 'bash') {
    switch (error.kind) {
      case 'unexpected':
        return `bash: syntax error near unexpected token \`${error.token === '\n' ? 'newline' : error.token}'\n`;
      case 'eof':
        return 'bash: syntax error: unexpected end of file\n';
      case 'unmatched':
        return `bash: unexpected EOF while looking for matching \`${error.close}'\n`;
      case 'bad-substitution':
        return `bash: ${error.text}: bad substitution\n`;
      case 'unsupported':
        return `bash: ${error.what} is not supported in this terminal\n`;
    }
  }
  switch (error.kind) {
    case 'unexpected': {
      const t = error.token;
      const what = t === '\n' ? 'newline' : REDIRECTIONS.has(t) ? 'redirection' : `"${t}"`;
      return `sh: syntax error: unexpected ${what}\n`;
    }
    case 'eof':
      return 'sh: syntax error: unexpected end of file\n';
    case 'unmatched':
      switch (error.close) {
        case '"':
        case "'":
          return 'sh: syntax error: unterminated quoted string\n';
        case '`':
          return 'sh: syntax error: EOF in backquote substitution\n';
        case ')':
          return 'sh: syntax error: unexpected end of file (expecting ")")\n';
        case '}':
          return "sh: syntax error: missing '}'\n";
      }
      break;
    case 'bad-substitution':
      return 'sh: syntax error: bad substitution\n';
    case 'unsupported':
      return `sh: ${error.what} is not supported in this terminal\n`;
  }
  return 'sh: syntax error\n';
}
