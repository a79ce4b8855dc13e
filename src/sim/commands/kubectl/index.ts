/**
 * `kubectl` for the simulated cluster. Each subcommand is a module of its own; this one reads
 * the global flags, finds the subcommand and hands it a `Kctx`. Wording follows kubectl 1.33.
 */
import type { Command, CommandRegistry } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import { didYouMean, levenshtein } from '../cobra.ts';
import { APPLY_FLAGS, CREATE_FLAGS, rememberLiveFiles, runApply, runCreate } from './apply.ts';
import { Kctx } from './context.ts';
import { DELETE_FLAGS, runDelete } from './delete.ts';
import { DESCRIBE_FLAGS, runDescribe } from './describe.ts';
import { EXEC_FLAGS, installExitHook, runExec } from './exec.ts';
import { findSubcommand, parseFlags, type FlagSpec } from './flags.ts';
import { GET_FLAGS, runGet } from './get.ts';
import { LABEL_FLAGS, runLabel } from './label.ts';
import { LOGS_FLAGS, runLogs } from './logs.ts';
import {
  API_RESOURCES_FLAGS,
  CLUSTER_INFO_FLAGS,
  CONFIG_FLAGS,
  PORT_FORWARD_FLAGS,
  runApiResources,
  runClusterInfo,
  runConfig,
  runPortForward,
  runVersion,
  VERSION_FLAGS,
} from './misc.ts';
import { RUN_FLAGS, runRun } from './run.ts';

interface Subcommand {
  flags: readonly FlagSpec[];
  run: (k: Kctx) => ReturnType<Command<SimWorld>>;
  summary: string;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  get: { flags: GET_FLAGS, run: runGet, summary: 'Display one or many resources' },
  describe: {
    flags: DESCRIBE_FLAGS,
    run: runDescribe,
    summary: 'Show details of a specific resource or group of resources',
  },
  apply: {
    flags: APPLY_FLAGS,
    run: runApply,
    summary: 'Apply a configuration to a resource by file name or stdin',
  },
  create: {
    flags: CREATE_FLAGS,
    run: runCreate,
    summary: 'Create a resource from a file or from stdin',
  },
  delete: {
    flags: DELETE_FLAGS,
    run: runDelete,
    summary:
      'Delete resources by file names, stdin, resources and names, or by resources and label selector',
  },
  label: { flags: LABEL_FLAGS, run: runLabel, summary: 'Update the labels on a resource' },
  run: { flags: RUN_FLAGS, run: runRun, summary: 'Run a particular image on the cluster' },
  exec: { flags: EXEC_FLAGS, run: runExec, summary: 'Execute a command in a container' },
  logs: { flags: LOGS_FLAGS, run: runLogs, summary: 'Print the logs for a container in a pod' },
  'port-forward': {
    flags: PORT_FORWARD_FLAGS,
    run: runPortForward,
    summary: 'Forward one or more local ports to a pod',
  },
  'cluster-info': {
    flags: CLUSTER_INFO_FLAGS,
    run: runClusterInfo,
    summary: 'Display cluster information',
  },
  config: { flags: CONFIG_FLAGS, run: runConfig, summary: 'Modify kubeconfig files' },
  version: {
    flags: VERSION_FLAGS,
    run: runVersion,
    summary: 'Print the client and server version information',
  },
  'api-resources': {
    flags: API_RESOURCES_FLAGS,
    run: runApiResources,
    summary: 'Print the supported API resources on the server',
  },
};

/** Real kubectl commands the simulation does not offer. */
const NOT_SIMULATED = [
  'annotate',
  'attach',
  'auth',
  'autoscale',
  'certificate',
  'completion',
  'cordon',
  'cp',
  'debug',
  'diff',
  'drain',
  'edit',
  'events',
  'explain',
  'expose',
  'kustomize',
  'patch',
  'plugin',
  'proxy',
  'replace',
  'rollout',
  'scale',
  'set',
  'taint',
  'top',
  'uncordon',
  'wait',
];

function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length)) + 3;
  const lines = Object.entries(SUBCOMMANDS).map(([n, s]) => `  ${n.padEnd(width)}${s.summary}`);
  return [
    'kubectl controls the Kubernetes cluster manager.',
    '',
    'Commands available in this simulated cluster:',
    ...lines,
    '',
    'Usage:',
    '  kubectl [flags] [options]',
    '',
    'Use "kubectl <command> --help" for more information about a given command.',
    '',
  ].join('\n');
}

function suggestions(typed: string): string[] {
  const names = [...Object.keys(SUBCOMMANDS), ...NOT_SIMULATED].sort();
  return names.filter(
    (n) => levenshtein(typed, n) <= 2 || (typed.length > 0 && n.startsWith(typed)),
  );
}

export function kubectlCommand(registry: CommandRegistry<SimWorld>): Command<SimWorld> {
  return (ctx) => {
    rememberLiveFiles(ctx.world);
    const argv = ctx.argv.slice(1);
    const found = findSubcommand(argv);
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    if (found.name === undefined || found.name === 'help') {
      return { out: [{ stream: 'stdout', text: usage() }], exitCode: 0 };
    }
    const name = found.name;
    const sub = SUBCOMMANDS[name];
    if (!sub) {
      if (NOT_SIMULATED.includes(name))
        return {
          out: [
            {
              stream: 'stderr',
              text: `error: "kubectl ${name}" is not simulated in this playground; run "kubectl help" to see what is\n`,
            },
          ],
          exitCode: 1,
        };
      // kubectl ends an error with a newline only when it has none; the suggestions end in one.
      const hint = didYouMean(suggestions(name)) || '\n';
      return {
        out: [{ stream: 'stderr', text: `error: unknown command "${name}" for "kubectl"${hint}` }],
        exitCode: 1,
      };
    }
    const rest = [...argv.slice(0, found.index), ...argv.slice(found.index + 1)];
    if (wantsHelp && !rest.includes('--')) {
      return {
        out: [
          { stream: 'stdout', text: `${sub.summary}.\n\nUsage:\n  kubectl ${name} [options]\n` },
        ],
        exitCode: 0,
      };
    }
    const parsed = parseFlags(rest, sub.flags);
    if (!parsed.ok) {
      return {
        out: [
          {
            stream: 'stderr',
            text: `error: ${parsed.message}\nSee 'kubectl ${name} --help' for usage.\n`,
          },
        ],
        exitCode: 1,
      };
    }
    const k = new Kctx(ctx, registry, name, parsed.flags);
    const context = parsed.flags.values.get('context')?.at(-1);
    if (context !== undefined && context !== 'kind-cilium')
      return k.fail(`context was not found for specified context: ${context}`);
    return sub.run(k);
  };
}

/** Registers `kubectl` (and the `k` alias most tutorials use) in the terminal. */
export function registerKubectl(registry: CommandRegistry<SimWorld>): CommandRegistry<SimWorld> {
  const run = kubectlCommand(registry);
  registry.register(
    'kubectl',
    'talk to the simulated cluster (get, describe, apply, delete, exec, run, logs ...)',
    run,
  );
  registry.register('k', 'alias for kubectl', run);
  installExitHook(registry);
  return registry;
}
