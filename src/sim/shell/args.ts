/**
 * Short-option parsing for the text tools, as getopt does it: `-iv` bundles flags, `-n 5` and
 * `-n5` give a value, options may follow operands, `--` ends them and `-` alone is an operand.
 */

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  operands: string[];
}

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; message: string };

export interface ArgSpec {
  /** Options without a value, e.g. `ivc`. */
  flags: string;
  /** Options that take a value, e.g. `n`. */
  valued?: string;
  /** Long spellings of options: `{ decode: 'd' }` accepts `--decode`. */
  long?: Record<string, string>;
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ArgsResult {
  const args: ParsedArgs = { flags: new Set(), values: new Map(), operands: [] };
  const valued = spec.valued ?? '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name = '', value] = a.slice(2).split(/=(.*)/s, 2);
      const short = spec.long?.[name];
      if (short === undefined) return { ok: false, message: `unrecognized option '${a}'` };
      if (valued.includes(short)) {
        const v = value ?? argv[++i];
        if (v === undefined)
          return { ok: false, message: `option '--${name}' requires an argument` };
        args.values.set(short, v);
      } else args.flags.add(short);
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      args.operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (valued.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) return { ok: false, message: `option requires an argument -- '${c}'` };
        args.values.set(c, v);
        break;
      }
      if (!spec.flags.includes(c)) return { ok: false, message: `invalid option -- '${c}'` };
      args.flags.add(c);
    }
  }
  return { ok: true, args };
}
