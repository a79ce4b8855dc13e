/**
 * `cilium`, cilium-cli on the learner's host (`status`, `connectivity test`, `hubble ui`,
 * `hubble port-forward`, `version`), and `cilium-dbg`, the agent's debug client that
 * `kubectl -n kube-system exec ds/cilium -- cilium-dbg ...` runs. Inside an agent container
 * `cilium` is the agent's client too, so `... exec ds/cilium -- cilium endpoint list` works.
 *
 * cilium-cli silences cobra and prints the error alone on stderr, exit code 1.
 */
import type { SimWorld } from '../../world.ts';
import {
  err,
  out,
  type CommandContext,
  type CommandRegistry,
  type CommandResult,
} from '../../shell/types.ts';
import {
  boolValue,
  cobraFail,
  commandWords,
  lastValue,
  parseFlags,
  unknownCommand,
} from '../hubble/flags.ts';
import { inAgent } from './agents.ts';
import { connectivityTest } from './connectivity.ts';
import { ciliumDbg, DBG_HELP } from './dbg.ts';
import { ciliumStatusJson, formatCiliumStatus } from './status.ts';
import { CILIUM_CLI_VERSION, CILIUM_RELEASES, ciliumRelease, GO_VERSION } from './versions.ts';

export { agentPods, agentNode, inAgent, podEndpointIds, type AgentPod } from './agents.ts';
export { ciliumDbg } from './dbg.ts';
export { endpointRows, formatEndpointList, type EndpointRow } from './dbg-endpoints.ts';
export { ciliumRelease, CILIUM_RELEASES } from './versions.ts';

const HELP = `CLI to install, manage, & troubleshooting Cilium clusters running Kubernetes.

Usage:
  cilium [command]

Available Commands:
  connectivity Connectivity troubleshooting
  help         Help about any command
  hubble       Hubble observability
  status       Display status
  version      Display detailed version information

Use "cilium [command] --help" for more information about a command.
`;

const HUBBLE_HELP = `Hubble observability

Usage:
  cilium hubble [command]

Available Commands:
  port-forward Forward the relay port to the local machine
  ui           Open the Hubble UI
`;

const CLI_COMMANDS = [
  'bgp',
  'clustermesh',
  'config',
  'connectivity',
  'context',
  'encryption',
  'features',
  'help',
  'hubble',
  'install',
  'multicast',
  'status',
  'sysdump',
  'uninstall',
  'upgrade',
  'version',
];

/** The note the simulated port-forwards add: nothing blocks, the address simply works. */
const NO_BLOCK =
  '(simulation: the forward is already in place and this command returns at once; the real one runs until Ctrl-C)\n';

/** cilium-cli's persistent flags that take a value (`cilium -n kube-system status`). */
const ROOT_VALUED = new Set([
  '-n',
  '--namespace',
  '--context',
  '--kubeconfig',
  '--helm-release-name',
]);

function splitWords(args: readonly string[], count: number): { words: string[]; rest: string[] } {
  return commandWords(args, count, ROOT_VALUED);
}

function hubbleCommand(ctx: CommandContext<SimWorld>, args: readonly string[]): CommandResult {
  const { words, rest } = splitWords(args, 1);
  const [what] = words;
  switch (what) {
    case undefined:
      return { out: [out(HUBBLE_HELP)], exitCode: 0 };
    case 'ui': {
      const p = parseFlags(rest, [
        { name: 'port-forward', kind: 'int' },
        { name: 'open-browser', kind: 'bool' },
      ]);
      if (!p.ok) return cobraFail(p.message);
      const port = lastValue(p.flags, 'port-forward') ?? '12000';
      const open = !p.flags.values.has('open-browser') || boolValue(p.flags, 'open-browser');
      const line = open
        ? `ℹ️  Opening "http://localhost:${port}" in your browser...\n`
        : `ℹ️  Hubble UI is available at "http://localhost:${port}"\n`;
      // In the browser the page shows its flow graph, the playground's Hubble UI.
      return {
        out: [out(line), err(NO_BLOCK)],
        exitCode: 0,
        ...(open ? { effects: [{ kind: 'open-panel', panel: 'flow-graph' } as const] } : {}),
      };
    }
    case 'port-forward': {
      const p = parseFlags(rest, [{ name: 'port-forward', kind: 'int' }]);
      if (!p.ok) return cobraFail(p.message);
      const port = lastValue(p.flags, 'port-forward') ?? '4245';
      return {
        out: [out(`ℹ️  Hubble Relay is available at 127.0.0.1:${port}\n`), err(NO_BLOCK)],
        exitCode: 0,
      };
    }
    case 'enable':
    case 'disable':
      return cobraFail(
        `${what === 'enable' ? 'enabling' : 'disabling'} Hubble is not simulated: Hubble is already enabled in this cluster`,
      );
    default:
      return cobraFail(
        unknownCommand(what, 'cilium hubble', ['disable', 'enable', 'port-forward', 'ui']),
      );
  }
}

/** `cilium ARGS...` on the host; the agent's client inside a Cilium agent container. */
export function cilium(ctx: CommandContext<SimWorld>): CommandResult {
  const args = ctx.argv.slice(1);
  if (inAgent(ctx.world, ctx.shell)) return ciliumDbg(ctx, args);
  const { words, rest } = splitWords(args, 1);
  const [sub] = words;
  switch (sub) {
    case undefined:
    case 'help':
      return { out: [out(HELP)], exitCode: 0 };
    case 'status': {
      const p = parseFlags(rest, [
        { name: 'wait', kind: 'bool' },
        { name: 'wait-duration', kind: 'string' },
        { name: 'ignore-warnings', kind: 'bool' },
        { name: 'interactive', kind: 'bool' },
        { name: 'output', short: 'o', kind: 'string' },
        { name: 'namespace', short: 'n', kind: 'string' },
        { name: 'context', kind: 'string' },
      ]);
      if (!p.ok) return cobraFail(p.message);
      const output = lastValue(p.flags, 'output') ?? 'summary';
      if (output === 'json') return { out: [out(ciliumStatusJson(ctx.world))], exitCode: 0 };
      return { out: [out(formatCiliumStatus(ctx.world))], exitCode: 0 };
    }
    case 'connectivity': {
      const inner = splitWords(rest, 1);
      const [what] = inner.words;
      if (what === 'test') return connectivityTest(ctx, inner.rest);
      if (what === undefined)
        return {
          out: [
            out(
              'Connectivity troubleshooting\n\nUsage:\n  cilium connectivity [command]\n\nAvailable Commands:\n  perf        Test network performance\n  test        Validate connectivity in cluster\n',
            ),
          ],
          exitCode: 0,
        };
      if (what === 'perf') return cobraFail('cilium connectivity perf is not simulated');
      return cobraFail(unknownCommand(what, 'cilium connectivity', ['perf', 'test']));
    }
    case 'hubble':
      return hubbleCommand(ctx, rest);
    case 'version': {
      const p = parseFlags(rest, [{ name: 'client', kind: 'bool' }]);
      if (!p.ok) return cobraFail(p.message);
      const stable = `v${CILIUM_RELEASES['1.18']}`;
      let text = `cilium-cli: ${CILIUM_CLI_VERSION} compiled with ${GO_VERSION} on linux/amd64\n`;
      text += `cilium image (default): ${stable}\n`;
      text += `cilium image (stable): ${stable}\n`;
      if (!boolValue(p.flags, 'client'))
        text += `cilium image (running): ${ciliumRelease(ctx.world)}\n`;
      return { out: [out(text)], exitCode: 0 };
    }
    default:
      return cobraFail(unknownCommand(sub, 'cilium', CLI_COMMANDS));
  }
}

/** `cilium-dbg ARGS...` */
export function ciliumDbgCommand(ctx: CommandContext<SimWorld>): CommandResult {
  return ciliumDbg(ctx, ctx.argv.slice(1));
}

export function registerCilium(registry: CommandRegistry<SimWorld>): CommandRegistry<SimWorld> {
  registry.register(
    'cilium',
    `Cilium's CLI: cilium status, cilium connectivity test, cilium hubble ui\n\n${HELP}`,
    cilium,
  );
  registry.register(
    'cilium-dbg',
    `the Cilium agent's client (run it in the agent: kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list)\n\n${DBG_HELP}`,
    ciliumDbgCommand,
  );
  return registry;
}
