/**
 * Command-line flags the way kubectl (cobra + pflag) reads them: long flags as `--name value` or
 * `--name=value`, shorthands bundled (`-it`) or with their value attached (`-ndb`, `-n=db`,
 * `-owide`), flags anywhere among the arguments, and `--` ending them (what follows is the
 * command to run in a container).
 */

export type FlagType = 'bool' | 'string' | 'strings';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
}

export interface ParsedFlags {
  /** Values of string flags, by long name, in the order given. */
  values: Map<string, string[]>;
  /** Bool flags that were given, by long name. */
  bools: Map<string, boolean>;
  /** Positional arguments before `--`. */
  args: string[];
  /** Arguments after `--`; undefined when there was no `--`. */
  dash?: string[];
}

export type FlagsResult = { ok: true; flags: ParsedFlags } | { ok: false; message: string };

/** Flags every kubectl command takes. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'namespace', short: 'n', type: 'string' },
  { name: 'context', type: 'string' },
  { name: 'cluster', type: 'string' },
  { name: 'user', type: 'string' },
  { name: 'kubeconfig', type: 'string' },
  { name: 'request-timeout', type: 'string' },
  { name: 'v', short: 'v', type: 'string' },
  { name: 'help', short: 'h', type: 'bool' },
];

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): FlagsResult {
  const all = [...GLOBAL_FLAGS, ...specs];
  const flags: ParsedFlags = { values: new Map(), bools: new Map(), args: [] };
  const set = (spec: FlagSpec, value: string | undefined): string | null => {
    if (spec.type === 'bool') {
      const v = value ?? 'true';
      const b = parseBool(v);
      if (b === null)
        return `invalid argument "${v}" for "${spec.short ? `-${spec.short}, ` : ''}--${spec.name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`;
      flags.bools.set(spec.name, b);
      return null;
    }
    const list = flags.values.get(spec.name) ?? [];
    list.push(value ?? '');
    flags.values.set(spec.name, list);
    return null;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      flags.dash = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq >= 0 ? eq : undefined);
      const spec = all.find((s) => s.name === name);
      if (!spec) return { ok: false, message: `unknown flag: --${name}` };
      let value = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (value === undefined && spec.type !== 'bool') {
        if (i + 1 >= argv.length)
          return { ok: false, message: `flag needs an argument: --${name}` };
        value = argv[++i];
      }
      const e = set(spec, value);
      if (e) return { ok: false, message: e };
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = all.find((s) => s.short === c);
        if (!spec) return { ok: false, message: `unknown shorthand flag: '${c}' in ${a}` };
        if (spec.type === 'bool') {
          if (a[j + 1] === '=') {
            const e = set(spec, a.slice(j + 2));
            if (e) return { ok: false, message: e };
            break;
          }
          set(spec, undefined);
          continue;
        }
        let value: string | undefined = a.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        else if (value === '') {
          if (i + 1 >= argv.length)
            return { ok: false, message: `flag needs an argument: '${c}' in ${a}` };
          value = argv[++i];
        }
        set(spec, value);
        break;
      }
      continue;
    }
    flags.args.push(a);
  }
  return { ok: true, flags };
}

function parseBool(v: string): boolean | null {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return null;
}

/** The last value of a string flag. */
export function flagValue(flags: ParsedFlags, name: string): string | undefined {
  const list = flags.values.get(name);
  return list && list.length > 0 ? list[list.length - 1] : undefined;
}

/** Every value of a repeatable flag; comma-separated values are split as pflag's slices do. */
export function flagList(flags: ParsedFlags, name: string, split = true): string[] {
  const list = flags.values.get(name) ?? [];
  return split ? list.flatMap((v) => v.split(',')).filter((v) => v !== '') : list;
}

export function flagBool(flags: ParsedFlags, name: string): boolean {
  return flags.bools.get(name) ?? false;
}

/**
 * Splits `kubectl [global flags] SUBCOMMAND rest...`: the subcommand is the first argument that is
 * neither a flag nor the value of a global flag.
 */
export function findSubcommand(argv: readonly string[]): { index: number; name?: string } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return { index: -1 };
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]!;
      const spec = GLOBAL_FLAGS.find((s) => s.name === name);
      if (spec && spec.type !== 'bool' && !a.includes('=')) i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const spec = GLOBAL_FLAGS.find((s) => s.short === a[1]);
      if (spec && spec.type !== 'bool' && a.length === 2) i++;
      continue;
    }
    return { index: i, name: a };
  }
  return { index: -1 };
}
