/**
 * The shell's own commands (echo, export, exit, history ...) and the small text tools learners pipe
 * kubectl output through (grep, head, wc, cut, base64 ...). Text tools read stdin only: the
 * playground has no files, so a file operand answers "No such file or directory".
 */
import { parseArgs, type ArgSpec, type ParsedArgs } from './args.ts';
import { base64Decode, base64Encode, utf8Encode } from './base64.ts';
import { compileGrep } from './grepPattern.ts';
import { createRegistry } from './registry.ts';
import { leavePod, shellName } from './state.ts';
import {
  err,
  fail,
  ok,
  out,
  type Command,
  type CommandContext,
  type CommandRegistry,
  type CommandResult,
  type OutputChunk,
} from './types.ts';

/** Commands of the shell itself: they exist in every container that has a shell. */
export const SHELL_BUILTINS = [
  'clear',
  'echo',
  'exit',
  'export',
  'false',
  'help',
  'history',
  'true',
] as const;

/** The text tools; list them in a pod's `tools` when its image ships them (busybox does). */
export const TEXT_TOOLS = [
  'base64',
  'cat',
  'cut',
  'grep',
  'head',
  'sleep',
  'sort',
  'tail',
  'tr',
  'uniq',
  'wc',
] as const;

export const CLEAR_SCREEN = '\x1b[H\x1b[2J';

type Ctx = CommandContext<unknown>;

// ---- helpers ----

/** Lines of a text; a final newline does not start another line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

function joinLines(lines: readonly string[]): string {
  let s = '';
  for (const l of lines) s += `${l}\n`;
  return s;
}

/** Lines with their own newlines kept, so `head` of a text without one stays without one. */
function linePieces(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function usage(tool: string, message: string, synopsis: string, code = 1): CommandResult {
  return fail(`${tool}: ${message}\nUsage: ${synopsis}`, code);
}

function withArgs(
  ctx: Ctx,
  spec: ArgSpec,
  synopsis: string,
  body: (a: ParsedArgs) => CommandResult,
  badUsageCode = 1,
): CommandResult {
  const tool = ctx.argv[0] ?? '';
  const parsed = parseArgs(ctx.argv.slice(1), spec);
  if (!parsed.ok) return usage(tool, parsed.message, synopsis, badUsageCode);
  return body(parsed.args);
}

/**
 * The text of the operands (`-` or none is stdin); files do not exist, so each one adds
 * "No such file or directory" to `errors`.
 */
function readInputs(ctx: Ctx, operands: readonly string[], errors: OutputChunk[]): string {
  if (operands.length === 0) return ctx.stdin;
  let text = '';
  for (const f of operands) {
    if (f === '-') text += ctx.stdin;
    else errors.push(err(`${ctx.argv[0]}: ${f}: No such file or directory\n`));
  }
  return text;
}

function result(text: string, errors: OutputChunk[], code?: number): CommandResult {
  const chunks = text === '' ? [...errors] : [out(text), ...errors];
  return { out: chunks, exitCode: code ?? (errors.length > 0 ? 1 : 0) };
}

// ---- shell built-ins ----

const ECHO_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

const echo: Command<unknown> = ({ argv }) => {
  let i = 1;
  let newline = true;
  let escapes = false;
  for (; i < argv.length && /^-[neE]+$/.test(argv[i]!); i++) {
    for (const f of argv[i]!.slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    let s = '';
    for (let k = 0; k < text.length; k++) {
      const c = text[k]!;
      const n = text[k + 1];
      if (c !== '\\' || n === undefined) s += c;
      else if (n === 'c') return ok(s);
      else if (n === '0') {
        const digits = /^[0-7]{0,3}/.exec(text.slice(k + 2))![0];
        s += String.fromCharCode(parseInt(digits || '0', 8));
        k += 1 + digits.length;
      } else if (ECHO_ESCAPES[n] !== undefined) {
        s += ECHO_ESCAPES[n];
        k++;
      } else s += c;
    }
    text = s;
  }
  return ok(newline ? `${text}\n` : text);
};

function makeHelp<W>(registry: CommandRegistry<W>): Command<W> {
  return ({ argv, shell }) => {
    const names = registry.available(shell);
    const topics = argv.slice(1);
    if (topics.length === 0) {
      const width = Math.max(0, ...names.map((n) => n.length));
      const rows = names.map((n) => {
        const summary = registry.get(n)?.help.split('\n')[0] ?? '';
        return `  ${n.padEnd(width)}  ${summary}`.trimEnd();
      });
      return ok(
        `Commands you can run here:\n${joinLines(rows)}Type 'help NAME' to read more about one of them.\n`,
      );
    }
    let text = '';
    const errors: OutputChunk[] = [];
    for (const t of topics) {
      const entry = names.includes(t) ? registry.get(t) : undefined;
      if (entry) text += entry.help.endsWith('\n') ? entry.help : `${entry.help}\n`;
      else errors.push(err(`${shellName(shell)}: help: no help topics match '${t}'\n`));
    }
    return result(text, errors);
  };
}

const history: Command<unknown> = ({ argv, shell }) => {
  const arg = argv[1];
  if (arg === '-c') {
    shell.history.length = 0;
    return ok();
  }
  let from = 0;
  if (arg !== undefined) {
    if (!/^[0-9]+$/.test(arg)) {
      return fail(`${shellName(shell)}: history: ${arg}: numeric argument required`);
    }
    from = Math.max(0, shell.history.length - Number(arg));
  }
  const rows = shell.history
    .slice(from)
    .map((line, i) => `${String(from + i + 1).padStart(5)}  ${line}`);
  return ok(joinLines(rows));
};

export const HOST_EXIT_NOTICE =
  "exit: this is the playground's only terminal, so it stays open (there is nothing to log out of)\n";

const exit: Command<unknown> = ({ argv, shell }) => {
  const arg = argv[1];
  let code = shell.lastExitCode;
  if (arg !== undefined) {
    if (!/^-?[0-9]+$/.test(arg)) {
      return fail(
        shellName(shell) === 'sh'
          ? `sh: exit: Illegal number: ${arg}`
          : `bash: exit: ${arg}: numeric argument required`,
        2,
      );
    }
    code = ((Number(arg) % 256) + 256) % 256;
  }
  if (shell.location.kind === 'host') return ok(HOST_EXIT_NOTICE);
  leavePod(shell);
  return code === 0 ? ok() : fail(`command terminated with exit code ${code}`, code);
};

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quoteForExport(value: string, bash: boolean): string {
  if (bash) return `"${value.replace(/["\\$`]/g, '\\$&')}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const exportCmd: Command<unknown> = ({ argv, shell }) => {
  const sh = shellName(shell);
  const args = argv.slice(1).filter((a) => a !== '--');
  if (args.length === 0 || (args.length === 1 && args[0] === '-p')) {
    const rows = Object.keys(shell.env)
      .sort()
      .map((k) =>
        sh === 'bash'
          ? `declare -x ${k}=${quoteForExport(shell.env[k]!, true)}`
          : `export ${k}=${quoteForExport(shell.env[k]!, false)}`,
      );
    return ok(joinLines(rows));
  }
  const errors: OutputChunk[] = [];
  let code = 0;
  for (const a of args) {
    if (a.startsWith('-')) {
      errors.push(err(`${sh}: export: ${a}: invalid option\n`));
      code = 2;
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!VAR_NAME.test(name)) {
      errors.push(
        err(
          sh === 'sh'
            ? `sh: export: ${name}: bad variable name\n`
            : `bash: export: \`${a}': not a valid identifier\n`,
        ),
      );
      code = sh === 'sh' ? 2 : 1;
      continue;
    }
    if (eq >= 0) shell.env[name] = a.slice(eq + 1);
  }
  return { out: errors, exitCode: code };
};

// ---- text tools ----

const cat: Command<unknown> = (ctx) => {
  const operands = ctx.argv.slice(1);
  const bad = operands.find((a) => a.startsWith('-') && a !== '-');
  if (bad) return usage('cat', `invalid option -- '${bad[1]}'`, 'cat [FILE]...');
  // Keep stdout and errors in operand order, as the terminal would show them.
  if (operands.length === 0) return ok(ctx.stdin);
  const chunks: OutputChunk[] = [];
  let code = 0;
  for (const f of operands) {
    if (f === '-') {
      if (ctx.stdin !== '') chunks.push(out(ctx.stdin));
    } else {
      chunks.push(err(`cat: ${f}: No such file or directory\n`));
      code = 1;
    }
  }
  return { out: chunks, exitCode: code };
};

const GREP_SYNOPSIS = 'grep [-icvnowxqEF] [-e PATTERN] PATTERN [FILE]...';

const grep: Command<unknown> = (ctx) =>
  withArgs(
    ctx,
    { flags: 'icvnowxqEFsh', valued: 'e' },
    GREP_SYNOPSIS,
    ({ flags, values, operands }) => {
      const pattern = values.get('e') ?? operands.shift();
      if (pattern === undefined) return fail(`Usage: ${GREP_SYNOPSIS}`, 2);
      const errors: OutputChunk[] = [];
      const input = readInputs(ctx, operands, errors);
      const re = compileGrep(pattern, {
        extended: flags.has('E'),
        fixed: flags.has('F'),
        ignoreCase: flags.has('i'),
        word: flags.has('w'),
        line: flags.has('x'),
      });
      if (!re.ok) return fail(`grep: bad regex '${pattern}'`, 2);
      const invert = flags.has('v');
      const rows: string[] = [];
      let count = 0;
      splitLines(input).forEach((line, i) => {
        if (re.test(line) === invert) return;
        count++;
        const prefix = flags.has('n') ? `${i + 1}:` : '';
        if (!flags.has('o')) rows.push(prefix + line);
        else if (!invert) for (const m of re.matches(line)) rows.push(prefix + m);
      });
      const code = errors.length > 0 && !(flags.has('q') && count > 0) ? 2 : count > 0 ? 0 : 1;
      if (flags.has('q')) return { out: errors, exitCode: code };
      const text = flags.has('c') ? `${count}\n` : joinLines(rows);
      return result(text, errors, code);
    },
    2,
  );

/** `-5` is `-n 5`, as head and tail have always accepted. */
function countShorthand(argv: readonly string[]): string[] {
  return argv.flatMap((a, i) => (i > 0 && /^-[0-9]+$/.test(a) ? ['-n', a.slice(1)] : [a]));
}

function headOrTail(which: 'head' | 'tail'): Command<unknown> {
  return (ctx) =>
    withArgs(
      { ...ctx, argv: countShorthand(ctx.argv) },
      { flags: 'qv', valued: 'n', long: { lines: 'n' } },
      `${which} [-n N] [FILE]...`,
      ({ values, operands }) => {
        const raw = values.get('n') ?? '10';
        const fromStart = which === 'tail' && raw.startsWith('+');
        const digits = fromStart ? raw.slice(1) : raw;
        if (!/^[0-9]+$/.test(digits)) return fail(`${which}: invalid number '${raw}'`);
        const n = Number(digits);
        const errors: OutputChunk[] = [];
        const pieces = linePieces(readInputs(ctx, operands, errors));
        let kept: string[];
        if (which === 'head') kept = pieces.slice(0, n);
        else if (fromStart) kept = pieces.slice(Math.max(0, n - 1));
        else kept = n === 0 ? [] : pieces.slice(-n);
        return result(kept.join(''), errors);
      },
    );
}

const wc: Command<unknown> = (ctx) =>
  withArgs(ctx, { flags: 'lwc' }, 'wc [-lwc] [FILE]...', ({ flags, operands }) => {
    const errors: OutputChunk[] = [];
    const text = readInputs(ctx, operands, errors);
    const all = flags.size === 0;
    const counts: number[] = [];
    if (all || flags.has('l')) counts.push(text.split('\n').length - 1);
    if (all || flags.has('w')) counts.push(text.split(/\s+/).filter((w) => w !== '').length);
    if (all || flags.has('c')) counts.push(utf8Encode(text).length);
    const row =
      counts.length === 1 ? String(counts[0]) : counts.map((c) => String(c).padStart(7)).join(' ');
    return result(`${row}\n`, errors);
  });

function numericKey(line: string): number {
  const m = /^\s*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))/.exec(line);
  return m ? Number(m[1]) : 0;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const sort: Command<unknown> = (ctx) =>
  withArgs(
    ctx,
    { flags: 'rnu' },
    'sort [-rnu] [FILE]...',
    ({ flags, operands }) => {
      const errors: OutputChunk[] = [];
      const lines = splitLines(readInputs(ctx, operands, errors));
      const unique = flags.has('u');
      const sign = flags.has('r') ? -1 : 1;
      const keyOrder = (a: string, b: string): number =>
        flags.has('n') ? numericKey(a) - numericKey(b) : byteOrder(a, b);
      // With -u, lines whose keys are equal count as the same line; otherwise the whole line
      // breaks ties, as GNU sort's last-resort comparison does.
      const order = (a: string, b: string): number =>
        sign * (keyOrder(a, b) || (unique ? 0 : byteOrder(a, b)));
      lines.sort(order);
      const kept = unique
        ? lines.filter((l, i) => i === 0 || order(lines[i - 1]!, l) !== 0)
        : lines;
      return result(joinLines(kept), errors);
    },
    2,
  );

const uniq: Command<unknown> = (ctx) =>
  withArgs(ctx, { flags: 'cdu' }, 'uniq [-cdu] [INPUT]', ({ flags, operands }) => {
    const errors: OutputChunk[] = [];
    const lines = splitLines(readInputs(ctx, operands.slice(0, 1), errors));
    const rows: string[] = [];
    for (let i = 0; i < lines.length;) {
      let j = i + 1;
      while (j < lines.length && lines[j] === lines[i]) j++;
      const n = j - i;
      if (!(flags.has('d') && n < 2) && !(flags.has('u') && n > 1)) {
        rows.push(flags.has('c') ? `${String(n).padStart(7)} ${lines[i]}` : lines[i]!);
      }
      i = j;
    }
    return result(joinLines(rows), errors);
  });

type Ranges = [number, number][];

/** `1,3-5,7-` → ranges of 1-based positions; a string message when the list is invalid. */
function parseList(list: string): Ranges | string {
  const ranges: Ranges = [];
  for (const item of list.split(',')) {
    const m = /^([0-9]*)(-?)([0-9]*)$/.exec(item);
    if (!m || item === '' || item === '-') return `invalid field range '${list}'`;
    const from = m[1] === '' ? 1 : Number(m[1]);
    const to = m[2] === '' ? from : m[3] === '' ? Infinity : Number(m[3]);
    if (from === 0 || to === 0) return 'fields are numbered from 1';
    if (to < from) return 'invalid decreasing range';
    ranges.push([from, to]);
  }
  return ranges;
}

const inRanges = (ranges: Ranges, i: number): boolean => ranges.some(([a, b]) => i >= a && i <= b);

const cut: Command<unknown> = (ctx) =>
  withArgs(
    ctx,
    { flags: 's', valued: 'dfc' },
    'cut -f LIST [-d DELIM] [-s] | -c LIST [FILE]...',
    ({ flags, values, operands }) => {
      const fields = values.get('f');
      const chars = values.get('c');
      if (fields === undefined && chars === undefined) {
        return fail('cut: you must specify a list of bytes, characters, or fields');
      }
      const delim = values.get('d') ?? '\t';
      if ([...delim].length !== 1) return fail('cut: the delimiter must be a single character');
      const ranges = parseList(fields ?? chars ?? '');
      if (typeof ranges === 'string') return fail(`cut: ${ranges}`);
      const errors: OutputChunk[] = [];
      const rows: string[] = [];
      for (const line of splitLines(readInputs(ctx, operands, errors))) {
        if (fields === undefined) {
          rows.push([...line].filter((_, i) => inRanges(ranges, i + 1)).join(''));
        } else if (!line.includes(delim)) {
          if (!flags.has('s')) rows.push(line);
        } else {
          rows.push(
            line
              .split(delim)
              .filter((_, i) => inRanges(ranges, i + 1))
              .join(delim),
          );
        }
      }
      return result(joinLines(rows), errors);
    },
  );

const TR_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \t',
  digit: '0-9',
  lower: 'a-z',
  punct: '!-/:-@[-`{-~',
  space: ' \t\n\r\v\f',
  upper: 'A-Z',
};

const TR_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  v: '\v',
  f: '\f',
  '\\': '\\',
};

/** A tr set (`a-z`, `[:upper:]`, `\n`) as a list of characters, or an error message. */
function trSet(spec: string): string[] | string {
  const atoms: string[] = [];
  const chars = [...spec];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '[' && chars[i + 1] === ':') {
      const rest = chars.slice(i + 2).join('');
      const end = rest.indexOf(':]');
      if (end >= 0) {
        const name = rest.slice(0, end);
        const cls = TR_CLASSES[name];
        if (cls === undefined) return `invalid character class '${name}'`;
        const expanded = trSet(cls);
        if (typeof expanded === 'string') return expanded;
        atoms.push(...expanded);
        i += 2 + [...rest.slice(0, end)].length + 1;
        continue;
      }
    }
    let ch = c;
    if (c === '\\' && i + 1 < chars.length) {
      const n = chars[++i]!;
      ch = TR_ESCAPES[n] ?? n;
    }
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      let end = chars[i + 2]!;
      let skip = 2;
      if (end === '\\' && i + 3 < chars.length) {
        end = TR_ESCAPES[chars[i + 3]!] ?? chars[i + 3]!;
        skip = 3;
      }
      const a = ch.codePointAt(0)!;
      const b = end.codePointAt(0)!;
      if (b < a) return `range-endpoints of '${ch}-${end}' are in reverse collating sequence order`;
      if (b - a > 0x10000) return `range '${ch}-${end}' is too large`;
      for (let cp = a; cp <= b; cp++) atoms.push(String.fromCodePoint(cp));
      i += skip;
      continue;
    }
    atoms.push(ch);
  }
  return atoms;
}

const tr: Command<unknown> = (ctx) =>
  withArgs(ctx, { flags: 'ds' }, 'tr [-ds] SET1 [SET2]', ({ flags, operands }) => {
    const del = flags.has('d');
    const squeeze = flags.has('s');
    const [spec1, spec2] = operands;
    if (spec1 === undefined) return fail('tr: missing operand');
    const translating = !del && spec2 !== undefined;
    if (!del && !squeeze && spec2 === undefined) {
      return fail(`tr: missing operand after '${spec1}'`);
    }
    if (operands.length > 2 || (del && !squeeze && spec2 !== undefined)) {
      return fail(`tr: extra operand '${operands[del && !squeeze ? 1 : 2]}'`);
    }
    const set1 = trSet(spec1);
    const set2 = spec2 === undefined ? [] : trSet(spec2);
    if (typeof set1 === 'string') return fail(`tr: ${set1}`);
    if (typeof set2 === 'string') return fail(`tr: ${set2}`);
    if (translating && set2.length === 0) {
      return fail('tr: when not truncating set1, string2 must be non-empty');
    }
    const map = new Map<string, string>();
    if (translating) set1.forEach((c, i) => map.set(c, set2[Math.min(i, set2.length - 1)]!));
    const deleted = new Set(del ? set1 : []);
    const squeezed = new Set(squeeze ? (spec2 === undefined ? set1 : set2) : []);
    let text = '';
    let last = '';
    for (const c of ctx.stdin) {
      if (deleted.has(c)) continue;
      const t = map.get(c) ?? c;
      if (squeezed.has(t) && t === last) continue;
      text += t;
      last = t;
    }
    return ok(text);
  });

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

const sleep: Command<unknown> = ({ argv }) => {
  const operands = argv.slice(1);
  if (operands.length === 0) return fail('sleep: missing operand');
  let seconds = 0;
  for (const a of operands) {
    const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([smhd]?)$/.exec(a);
    if (!m) return fail(`sleep: invalid time interval '${a}'`);
    seconds += Number(m[1]) * UNITS[m[2]!]!;
  }
  return { out: [], exitCode: 0, elapsedMs: Math.round(seconds * 1000) };
};

const base64: Command<unknown> = (ctx) =>
  withArgs(
    ctx,
    { flags: 'di', valued: 'w', long: { decode: 'd', 'ignore-garbage': 'i', wrap: 'w' } },
    'base64 [-d] [-i] [-w COLS] [FILE]',
    ({ flags, values, operands }) => {
      const errors: OutputChunk[] = [];
      const input = readInputs(ctx, operands.slice(0, 1), errors);
      if (errors.length > 0) return result('', errors);
      if (flags.has('d')) {
        const decoded = base64Decode(input, flags.has('i'));
        return decoded === null ? fail('base64: invalid input') : ok(decoded);
      }
      const wrap = values.get('w') ?? '76';
      if (!/^[0-9]+$/.test(wrap)) return fail(`base64: invalid wrap size: '${wrap}'`);
      const cols = Number(wrap);
      const encoded = base64Encode(input);
      if (encoded === '') return ok();
      const rows = cols === 0 ? [encoded] : (encoded.match(new RegExp(`.{1,${cols}}`, 'g')) ?? []);
      return ok(joinLines(rows));
    },
  );

// ---- registration ----

const BUILTIN_HELP: Record<(typeof SHELL_BUILTINS)[number], string> = {
  clear: 'clear the terminal screen',
  echo: 'print its arguments (-n: no final newline, -e: interpret \\n, \\t ...)',
  exit: 'leave the container shell and return to the host (exit N sets the exit code)',
  export: 'set shell variables (export NAME=value); alone, list them',
  false: 'do nothing, unsuccessfully (exit code 1)',
  help: 'list the commands you can run here, or explain one: help NAME',
  history: 'list the commands typed so far (history N: the last N; -c clears)',
  true: 'do nothing, successfully (exit code 0)',
};

const TOOL_HELP: Record<(typeof TEXT_TOOLS)[number], string> = {
  base64: 'encode stdin as base64, or decode it with -d (kubectl secrets are base64)',
  cat: 'copy stdin to stdout (there are no files to read here)',
  cut: 'print selected fields: cut -d DELIM -f LIST (e.g. -d: -f2,3 or -f2-)',
  grep: [
    'print the lines of stdin that match a pattern',
    `usage: ${GREP_SYNOPSIS}`,
    '  -i ignore case       -v print the lines that do not match',
    '  -c count the lines   -n number them         -o print only the matching part',
    '  -w whole words       -x whole lines         -q print nothing, just set the exit code',
    '  -E extended regex    -F fixed string        exit code 1 when nothing matches',
  ].join('\n'),
  head: 'print the first lines of stdin (-n N or -N; 10 by default)',
  sleep: 'wait N seconds of simulated time',
  sort: 'sort lines (-r reverse, -n numeric, -u unique)',
  tail: 'print the last lines of stdin (-n N, -N, -n +N from line N on)',
  tr: "translate or delete characters: tr a-z A-Z, tr -d '\\n', tr -s ' '",
  uniq: 'collapse repeated adjacent lines (-c count them, -d only repeated, -u only unique)',
  wc: 'count lines, words and bytes (-l, -w, -c)',
};

/** Registers the shell built-ins and text tools into `registry` and returns it. */
export function registerBuiltins<W>(registry: CommandRegistry<W>): CommandRegistry<W> {
  const builtins: Record<(typeof SHELL_BUILTINS)[number], Command<W>> = {
    clear: () => ok(CLEAR_SCREEN),
    echo,
    exit,
    export: exportCmd,
    false: () => ({ out: [], exitCode: 1 }),
    help: makeHelp(registry),
    history,
    true: () => ok(),
  };
  const tools: Record<(typeof TEXT_TOOLS)[number], Command<W>> = {
    base64,
    cat,
    cut,
    grep,
    head: headOrTail('head'),
    sleep,
    sort,
    tail: headOrTail('tail'),
    tr,
    uniq,
    wc,
  };
  for (const name of SHELL_BUILTINS) {
    registry.register(name, BUILTIN_HELP[name], builtins[name], { builtin: true });
  }
  for (const name of TEXT_TOOLS) registry.register(name, TOOL_HELP[name], tools[name]);
  return registry;
}

/** A registry holding the shell built-ins and text tools, ready for kubectl, curl and the rest. */
export function createShellRegistry<W>(): CommandRegistry<W> {
  return registerBuiltins(createRegistry<W>());
}
