/**
 * Command-line flags as Go's cobra/pflag parse them, with pflag's error texts: the Hubble CLI,
 * cilium-cli and cilium-dbg are all cobra programs, so a mistyped flag must fail the same way.
 *
 *   --name value, --name=value, -n value, -nvalue, -n=value, bundled bools (-fA)
 *   a flag with a no-value default (bool flags, `--not`) takes no separate argument
 *   `--` ends the flags; flags and operands may be mixed
 *
 * Each occurrence is handed to the flag's `set` in command-line order, because some flags depend
 * on what came before them (`--not` negates the next filter).
 */

import { fail, type CommandResult } from '../../shell/types.ts';
import { didYouMean, levenshtein } from '../cobra.ts';

export type FlagKind = 'bool' | 'string' | 'uint' | 'int';

export interface FlagDef {
  name: string;
  short?: string;
  kind: FlagKind;
  /** The value used when the flag is given without one (`true` for bools). */
  noOptDefVal?: string;
  /** Called for every occurrence with the raw value; returns an error message to fail. */
  set?: (value: string) => string | undefined;
}

export interface ParsedFlags {
  /** Every value given per flag name, in order. */
  values: Map<string, string[]>;
  operands: string[];
  help: boolean;
}

export type FlagResult = { ok: true; flags: ParsedFlags } | { ok: false; message: string };

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** How pflag names a flag in its messages: `"-t, --type"` or `"--verdict"`. */
function displayName(def: FlagDef): string {
  return def.short ? `-${def.short}, --${def.name}` : `--${def.name}`;
}

function typeError(def: FlagDef, value: string): string | undefined {
  switch (def.kind) {
    case 'bool':
      return BOOL_TRUE.has(value) || BOOL_FALSE.has(value)
        ? undefined
        : `strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`;
    case 'uint':
      return /^[0-9]+$/.test(value)
        ? undefined
        : `strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`;
    case 'int':
      return /^[+-]?[0-9]+$/.test(value)
        ? undefined
        : `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`;
    case 'string':
      return undefined;
  }
}

/** Parses `argv` (without the command words) against `defs`. */
export function parseFlags(argv: readonly string[], defs: readonly FlagDef[]): FlagResult {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const byShort = new Map(defs.filter((d) => d.short).map((d) => [d.short!, d]));
  const flags: ParsedFlags = { values: new Map(), operands: [], help: false };

  const apply = (def: FlagDef, value: string): string | undefined => {
    const err = typeError(def, value) ?? def.set?.(value);
    if (err !== undefined)
      return `invalid argument ${JSON.stringify(value)} for ${JSON.stringify(displayName(def))} flag: ${err}`;
    const list = flags.values.get(def.name);
    if (list) list.push(value);
    else flags.values.set(def.name, [value]);
    return undefined;
  };
  const noOpt = (def: FlagDef): string | undefined =>
    def.noOptDefVal ?? (def.kind === 'bool' ? 'true' : undefined);

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      flags.operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (name === 'help') {
        flags.help = true;
        continue;
      }
      const def = byName.get(name);
      if (!def) return { ok: false, message: `unknown flag: --${name}` };
      let value: string | undefined;
      if (eq >= 0) value = a.slice(eq + 1);
      else if (noOpt(def) !== undefined) value = noOpt(def);
      else if (i + 1 < argv.length) value = argv[++i];
      if (value === undefined) return { ok: false, message: `flag needs an argument: --${name}` };
      const err = apply(def, value);
      if (err) return { ok: false, message: err };
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const shorts = a.slice(1);
      for (let j = 0; j < shorts.length; j++) {
        const c = shorts[j]!;
        if (c === 'h') {
          flags.help = true;
          continue;
        }
        const def = byShort.get(c);
        if (!def) return { ok: false, message: `unknown shorthand flag: '${c}' in ${a}` };
        let value: string | undefined;
        const rest = shorts.slice(j + 1);
        if (rest.startsWith('=')) {
          value = rest.slice(1);
          j = shorts.length;
        } else if (noOpt(def) !== undefined) value = noOpt(def);
        else if (rest !== '') {
          value = rest;
          j = shorts.length;
        } else if (i + 1 < argv.length) value = argv[++i];
        if (value === undefined)
          return { ok: false, message: `flag needs an argument: '${c}' in -${c}` };
        const err = apply(def, value);
        if (err) return { ok: false, message: err };
      }
      continue;
    }
    flags.operands.push(a);
  }
  return { ok: true, flags };
}

/** The last value given for a flag. */
export function lastValue(flags: ParsedFlags, name: string): string | undefined {
  const list = flags.values.get(name);
  return list ? list[list.length - 1] : undefined;
}

/** A bool flag's value (false when absent). */
export function boolValue(flags: ParsedFlags, name: string): boolean {
  const v = lastValue(flags, name);
  return v !== undefined && BOOL_TRUE.has(v);
}

/**
 * A failed command as these programs print its error: the message and a newline, even when the
 * message already ends in one (after cobra's suggestions, which leaves a blank line).
 */
export function cobraFail(message: string): CommandResult {
  return fail(`${message}\n`);
}

/** cobra's error for an unknown sub-command, with its suggestions. */
export function unknownCommand(word: string, path: string, known: readonly string[]): string {
  const close = known.filter(
    (k) =>
      levenshtein(word.toLowerCase(), k.toLowerCase()) <= 2 || k.startsWith(word.toLowerCase()),
  );
  return `unknown command ${JSON.stringify(word)} for ${JSON.stringify(path)}${didYouMean(close)}`;
}

/**
 * Splits a command line into its leading command words and the rest, as cobra finds
 * sub-commands: flags may come first, and the values of `valued` flags (`--server x`) are not
 * command words.
 */
export function commandWords(
  args: readonly string[],
  count: number,
  valued: ReadonlySet<string> = new Set(),
): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a.startsWith('-')) {
      rest.push(a);
      if (valued.has(a) && i + 1 < args.length) rest.push(args[++i]!);
      continue;
    }
    if (words.length < count) words.push(a);
    else rest.push(a);
  }
  return { words, rest };
}
