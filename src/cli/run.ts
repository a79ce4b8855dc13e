/** Argument parsing and dispatch for the command line; pure apart from reading input files. */
import {
  check,
  matrix,
  validate,
  verdicts,
  type CommandOutput,
  type CommonOptions,
} from './commands.ts';
import { InputError } from './inputs.ts';
import type { CiliumVersion } from '../engine/types.ts';

export type { CommandOutput };

const USAGE = `Network Policy Playground — decide Kubernetes and Cilium network policy like Cilium does.

Usage:
  netpol-playground verdicts <manifests...> --probes <probes.yaml> [--json]
  netpol-playground check <manifests and probe files...>
  netpol-playground matrix <manifests...> [--json | --markdown]
  netpol-playground validate <files...> [--json]

Manifests are files or directories of YAML (multi-document, kind: List) as kubectl apply takes.
Options:
  --json                 machine-readable output
  --markdown             Markdown table (matrix)
  --cilium-version V     imitate Cilium 1.16, 1.17, 1.18 (default), 1.19 or 1.20
  -h, --help             this text
`;

const VERSIONS: CiliumVersion[] = ['1.16', '1.17', '1.18', '1.19', '1.20'];

export function run(args: string[]): CommandOutput {
  const positional: string[] = [];
  const probes: string[] = [];
  const opts: CommonOptions = { json: false, markdown: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') opts.json = true;
    else if (a === '--markdown') opts.markdown = true;
    else if (a === '--probes') {
      const v = args[++i];
      if (!v) throw new InputError('--probes needs a file');
      probes.push(v);
    } else if (a.startsWith('--probes=')) probes.push(a.slice(9));
    else if (a === '--cilium-version' || a.startsWith('--cilium-version=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      const norm = v?.replace(/^v/, '').split('.').slice(0, 2).join('.');
      if (!norm || !VERSIONS.includes(norm as CiliumVersion))
        throw new InputError(`--cilium-version must be one of ${VERSIONS.join(', ')}`);
      opts.version = norm as CiliumVersion;
    } else if (a === '-h' || a === '--help') return { stdout: USAGE, stderr: '', exitCode: 0 };
    else if (a.startsWith('-') && a !== '-')
      throw new InputError(`unknown option ${a}\n\n${USAGE}`);
    else positional.push(a);
  }
  const [command, ...rest] = positional;
  switch (command) {
    case 'verdicts':
      return verdicts(rest, probes, opts);
    case 'check':
      return check([...rest, ...probes], opts);
    case 'matrix':
      return matrix(rest, opts);
    case 'validate':
      return validate(rest, opts);
    case undefined:
      return { stdout: '', stderr: USAGE, exitCode: 2 };
    default:
      throw new InputError(`unknown command "${command}"\n\n${USAGE}`);
  }
}
