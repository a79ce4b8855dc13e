/** Argument parsing and dispatch for the command line; pure apart from reading input files. */
import {
  check,
  flows,
  matrix,
  validate,
  verdicts,
  type CommandOutput,
  type CommonOptions,
  type FlowsOptions,
} from './commands.ts';
import { diffCommand } from './diff.ts';
import { InputError, parseCiliumVersion } from './inputs.ts';
import { lessonCheck, lessonsCommand } from './lessons.ts';
import { generateCommand } from './generate.ts';
import { lintCommand } from './lint.ts';
import { shell, type ShellIo } from './shell.ts';
import { DEFAULT_START } from '../engine/flows/build.ts';
import type { CiliumVersion } from '../engine/types.ts';

export type { CommandOutput };

const USAGE = `Network Policy Playground — decide Kubernetes and Cilium network policy like Cilium does.

Usage:
  netpol-playground verdicts <manifests...> --probes <probes.yaml> [--json | --markdown]
                                                                   [--junit FILE]
  netpol-playground flows <manifests...> --probes <probes.yaml> [-o compact|json|dict]
  netpol-playground check <manifests and probe files...> [--markdown] [--junit FILE]
  netpol-playground matrix <manifests...> [--json | --markdown | --csv]
  netpol-playground validate <files...> [--json]
  netpol-playground lint <files...> [--json]
  netpol-playground diff <before files...> -- <after files...> [--probes <probes.yaml>]
                                             [--json | --markdown] [--by workload|pod]
  netpol-playground generate --flows <hubble.json> [manifests...] [--no-l7] [--no-fqdn]
  netpol-playground shell <manifests...> [--script FILE] [--dns FILE]
  netpol-playground lessons [--json]
  netpol-playground lesson check <lesson id> <policy files...> [--json]

Manifests are files or directories of YAML (multi-document, kind: List) as kubectl apply takes.
Options:
  --json                 machine-readable output (for flows: the same as -o json)
  --markdown             Markdown table (matrix, check, verdicts, diff)
  --csv                  CSV, RFC 4180, one row per cell (matrix)
  --junit FILE           also write a JUnit XML report, one test case per probe (check, verdicts)
  --cilium-version V     imitate Cilium 1.16, 1.17, 1.18 (default), 1.19 or 1.20
  -h, --help             this text

Options of shell (the simulated terminal: kubectl, curl, nc, nslookup, hubble, cilium ...):
  --script FILE          the commands to type, one per line (default: standard input)
  --dns FILE             the public DNS: a YAML map of name to addresses
  --traffic FILE         background traffic (a traffic: list); such files among the
                         manifests are picked up too

Options of flows (the Hubble records each probe would produce, as hubble observe prints them):
  -o, --output F                      compact (default), json (one object per line) or dict
  --print-policy-names                name the policies on policy verdicts (ALLOWED BY ...)
  --print-node-name                   the node after the time
  --since-time T                      when the first probe starts (RFC 3339);
                                      default ${DEFAULT_START.toISOString().replace('.000Z', 'Z')}
  --redact-http-urlquery              drop the query and fragment of HTTP URLs
  --redact-http-userinfo[=false]      hide URL passwords (on by default once redacting)
  --redact-http-headers-allow a,b     redact every HTTP header value except these
  --redact-http-headers-deny a,b      redact only these HTTP header values
  --redact-kafka-apikey               hide the Kafka API key
  Any --redact-* option turns redaction on, like --hubble-redact-enabled on the agent.

Options of diff (flows newly allowed or denied from the files before -- to the files after):
  --probes FILE          probes decided on both sides too (how L7 changes show)
  --by workload|pod      one row per workload pair (default) or per pod pair
  --json | --markdown    the documented JSON shape, or a table for a pull-request comment

Exit codes:
  0  verdicts, flows, matrix, shell, lessons: done; check, lesson check: every expectation met;
     validate: no errors; diff: no flow changed
  1  check, lesson check: some probe missed its expectation; validate: errors; diff: some flow
     changed
  2  bad command line, or an input that cannot be read
  3  internal error
`;

const OUTPUTS = ['compact', 'json', 'jsonpb', 'dict'] as const;

/** `--flag`, `--flag=true` or `--flag=false`. */
function boolValue(arg: string): boolean {
  const eq = arg.indexOf('=');
  if (eq < 0) return true;
  const v = arg.slice(eq + 1).toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new InputError(`${arg.slice(0, eq)} takes true or false, not "${arg.slice(eq + 1)}"`);
}

function listValue(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Options whose value is the next argument when written without `=`. */
const VALUED = new Set([
  '--probes',
  '--cilium-version',
  '--junit',
  '--by',
  '-o',
  '--output',
  '--since-time',
  '--redact-http-headers-allow',
  '--redact-http-headers-deny',
]);

/** Where the command word is: the first argument that is neither an option nor its value. */
function commandIndex(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return -1;
    if (VALUED.has(a)) i++;
    else if (!a.startsWith('-') || a === '-') return i;
  }
  return -1;
}

const NO_STDIN: ShellIo = { readStdin: () => '' };

export function run(args: string[], io: ShellIo = NO_STDIN): CommandOutput {
  if (args[0] === 'shell') return runShell(args.slice(1), io);
  if (args[0] === 'lessons') return lessonsCommand(args.slice(1));
  if (args[0] === 'lesson') return lessonCheck(args.slice(1));
  if (args[0] === 'generate') return generateCommand(args.slice(1));
  // diff splits its files at `--`, so it parses its own arguments; options may precede the word.
  const at = commandIndex(args);
  if (args[at] === 'diff') return diffCommand([...args.slice(0, at), ...args.slice(at + 1)]);
  const positional: string[] = [];
  const probes: string[] = [];
  const opts: CommonOptions = { json: false, markdown: false };
  const flowOpts: FlowsOptions = {
    output: 'compact',
    redact: { enabled: false },
    start: DEFAULT_START,
  };
  let flowFlags = false;
  let output: string | undefined;
  /** The value of `--name value` or `--name=value`. */
  const valueOf = (a: string, i: number): [string, number] => {
    const eq = a.indexOf('=');
    if (eq >= 0) return [a.slice(eq + 1), i];
    const v = args[i + 1];
    if (v === undefined || (v.startsWith('-') && v !== '-'))
      throw new InputError(`${a} needs a value`);
    return [v, i + 1];
  };
  const flag = (a: string, name: string) => a === name || a.startsWith(`${name}=`);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') opts.json = true;
    else if (a === '--markdown') opts.markdown = true;
    else if (a === '--csv') opts.csv = true;
    else if (flag(a, '--junit')) [opts.junit, i] = valueOf(a, i);
    else if (a === '--')
      throw new InputError(
        `-- separates the before and after files of diff only: diff <before...> -- <after...>`,
      );
    else if (a === '--probes') {
      const v = args[++i];
      if (!v) throw new InputError('--probes needs a file');
      probes.push(v);
    } else if (a.startsWith('--probes=')) probes.push(a.slice(9));
    else if (a === '--cilium-version' || a.startsWith('--cilium-version=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      opts.version = parseCiliumVersion(v);
    } else if (a === '-o' || flag(a, '--output')) {
      [output, i] = valueOf(a, i);
      flowFlags = true;
    } else if (a.startsWith('-o') && a.length > 2 && !a.startsWith('--')) {
      output = a.slice(a[2] === '=' ? 3 : 2);
      flowFlags = true;
    } else if (flag(a, '--print-policy-names')) {
      flowOpts.printPolicyNames = boolValue(a);
      flowFlags = true;
    } else if (flag(a, '--print-node-name')) {
      flowOpts.printNodeName = boolValue(a);
      flowFlags = true;
    } else if (flag(a, '--since-time')) {
      let v: string;
      [v, i] = valueOf(a, i);
      const t = Date.parse(v);
      if (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(t))
        throw new InputError(`--since-time must be an RFC 3339 time such as 2026-01-01T00:00:00Z`);
      flowOpts.start = new Date(t);
      flowFlags = true;
    } else if (flag(a, '--redact-http-urlquery')) {
      flowOpts.redact = { ...flowOpts.redact, enabled: true, urlQuery: boolValue(a) };
      flowFlags = true;
    } else if (flag(a, '--redact-http-userinfo')) {
      flowOpts.redact = { ...flowOpts.redact, enabled: true, userInfo: boolValue(a) };
      flowFlags = true;
    } else if (flag(a, '--redact-kafka-apikey')) {
      flowOpts.redact = { ...flowOpts.redact, enabled: true, kafkaApiKey: boolValue(a) };
      flowFlags = true;
    } else if (flag(a, '--redact-http-headers-allow') || flag(a, '--redact-http-headers-deny')) {
      let v: string;
      [v, i] = valueOf(a, i);
      const which = a.startsWith('--redact-http-headers-allow') ? 'allow' : 'deny';
      const headers = { ...flowOpts.redact.headers };
      headers[which] = [...(headers[which] ?? []), ...listValue(v)];
      flowOpts.redact = { ...flowOpts.redact, enabled: true, headers };
      flowFlags = true;
    } else if (a === '-h' || a === '--help') return { stdout: USAGE, stderr: '', exitCode: 0 };
    else if (a.startsWith('-') && a !== '-')
      throw new InputError(`unknown option ${a}\n\n${USAGE}`);
    else positional.push(a);
  }
  const [command, ...rest] = positional;
  if (flowFlags && command !== 'flows' && command !== undefined)
    throw new InputError(`output, --print-*, --since-time and --redact-* options belong to flows`);
  if (opts.junit !== undefined && command !== 'check' && command !== 'verdicts')
    throw new InputError('--junit belongs to check and verdicts');
  if (opts.csv && command !== 'matrix') throw new InputError('--csv belongs to matrix');
  if (opts.csv && (opts.json || opts.markdown))
    throw new InputError('choose one of --json, --markdown and --csv');
  switch (command) {
    case 'verdicts':
      return verdicts(rest, probes, opts);
    case 'flows': {
      const o = output ?? (opts.json ? 'json' : 'compact');
      if (!(OUTPUTS as readonly string[]).includes(o))
        throw new InputError(`invalid output format: ${o} (compact, json or dict)`);
      flowOpts.output = o === 'jsonpb' ? 'json' : (o as FlowsOptions['output']);
      return flows(rest, probes, opts, flowOpts);
    }
    case 'check':
      return check([...rest, ...probes], opts);
    case 'matrix':
      return matrix(rest, opts);
    case 'validate':
      return validate(rest, opts);
    case 'lint':
      return lintCommand(rest, opts);
    case undefined:
      return { stdout: '', stderr: USAGE, exitCode: 2 };
    default:
      throw new InputError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

/** `shell` has options of its own and hands everything else to the simulated terminal. */
function runShell(args: string[], io: ShellIo): CommandOutput {
  const manifests: string[] = [];
  const opts: { script?: string; dns?: string; traffic?: string[]; version?: CiliumVersion } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (name: string): string => {
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      const v = args[++i];
      if (v === undefined) throw new InputError(`${name} needs a file`);
      return v;
    };
    if (a === '--script' || a.startsWith('--script=')) opts.script = value('--script');
    else if (a === '--dns' || a.startsWith('--dns=')) opts.dns = value('--dns');
    else if (a === '--traffic' || a.startsWith('--traffic='))
      opts.traffic = [...(opts.traffic ?? []), value('--traffic')];
    else if (a === '--cilium-version' || a.startsWith('--cilium-version=')) {
      opts.version = parseCiliumVersion(value('--cilium-version'));
    } else if (a === '-h' || a === '--help') return { stdout: USAGE, stderr: '', exitCode: 0 };
    else if (a.startsWith('-')) throw new InputError(`unknown option ${a} for shell`);
    else manifests.push(a);
  }
  return shell(manifests, opts, io);
}
