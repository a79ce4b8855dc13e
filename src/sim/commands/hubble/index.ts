/**
 * The `hubble` CLI on the learner's host, talking to Hubble Relay at localhost:4245 (reachable
 * from the start in the simulation): `observe`, `status`, `list nodes` and `version`.
 *
 * Like the real program (a cobra command with errors silenced), every error is one line on
 * stderr and exit code 1.
 */
import type { SimWorld } from '../../world.ts';
import {
  out,
  type CommandContext,
  type CommandRegistry,
  type CommandResult,
} from '../../shell/types.ts';
import { GO_VERSION, HUBBLE_CLI_VERSION } from '../cilium/versions.ts';
import { cobraFail, commandWords, unknownCommand } from './flags.ts';
import { observe } from './observe.ts';
import { listNodes, status } from './status.ts';

export { observe, selectFlows, DEFAULT_FLOW_COUNT, FOLLOW_WINDOW_MS } from './observe.ts';
export { FlowPrinter, type FlowPrintOptions, type OutputFormat } from './printer.ts';
export { FilterBuilder, compileFilter, type FlowFilter } from './filters.ts';

const HELP = `Hubble is a utility to observe and inspect recent Cilium routed traffic in a cluster.

Usage:
  hubble [command]

Available Commands:
  help        Help about any command
  list        List Hubble objects
  observe     Observe flows of a Hubble server
  status      Display status of Hubble server
  version     Display detailed version information

Use "hubble [command] --help" for more information about a command.
`;

const LIST_HELP = `List Hubble objects

Usage:
  hubble list [command]

Available Commands:
  nodes       List Hubble nodes
`;

const SUBCOMMANDS = ['help', 'list', 'observe', 'status', 'version'];

/** Root flags that take a value, so that `hubble --server x observe` finds `observe`. */
const ROOT_VALUED = new Set(['--server', '--config', '--timeout', '-o', '--output']);

/** `hubble ARGS...` */
export function hubble(ctx: CommandContext<SimWorld>): CommandResult {
  const args = ctx.argv.slice(1);
  const {
    words: [sub],
    rest,
  } = commandWords(args, 1, ROOT_VALUED);
  switch (sub) {
    case undefined:
      if (args.includes('--version'))
        return { out: [out(`hubble ${HUBBLE_CLI_VERSION}\n`)], exitCode: 0 };
      return { out: [out(HELP)], exitCode: 0 };
    case 'help':
      return { out: [out(HELP)], exitCode: 0 };
    case 'observe':
      // `hubble observe flows` is the same command.
      return observe(ctx, rest[0] === 'flows' ? rest.slice(1) : rest);
    case 'status':
      return status(ctx, rest);
    case 'list': {
      const inner = commandWords(rest, 1, ROOT_VALUED);
      const [what] = inner.words;
      if (what === 'nodes' || what === 'node') return listNodes(ctx, inner.rest);
      if (what === undefined) return { out: [out(LIST_HELP)], exitCode: 0 };
      return cobraFail(unknownCommand(what, 'hubble list', ['nodes']));
    }
    case 'version':
      return {
        out: [out(`hubble ${HUBBLE_CLI_VERSION} compiled with ${GO_VERSION} on linux/amd64\n`)],
        exitCode: 0,
      };
    default:
      return cobraFail(unknownCommand(sub, 'hubble', SUBCOMMANDS));
  }
}

export const HUBBLE_SUMMARY =
  'observe flows in the cluster: hubble observe [--last N] [-f] [filters]; hubble status';

const FOLLOW_NOTE = `Note: this terminal cannot stream yet. \`hubble observe --follow\` prints the buffered flows,
lets 10 seconds of simulated time pass, prints the flows that appeared meanwhile, and stops.
`;

export function registerHubble(registry: CommandRegistry<SimWorld>): CommandRegistry<SimWorld> {
  return registry.register('hubble', `${HUBBLE_SUMMARY}\n\n${HELP}\n${FOLLOW_NOTE}`, hubble);
}
