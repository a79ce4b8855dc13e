/**
 * `cilium-dbg`, the agent's debug client, as `kubectl -n kube-system exec ds/cilium --
 * cilium-dbg ...` runs it (inside the agent container `cilium` is the same program). It answers
 * for the node of the agent pod the shell is in; see `agentNode`.
 */
import type { SimWorld } from '../../world.ts';
import { err, ok, out, type CommandContext, type CommandResult } from '../../shell/types.ts';
import { boolValue, cobraFail, parseFlags, unknownCommand, type FlagDef } from '../hubble/flags.ts';
import { agentNode } from './agents.ts';
import {
  endpointRows,
  formatAgentStatus,
  formatEndpointList,
  formatIdentityList,
  identityRows,
} from './dbg-endpoints.ts';
import { MONITOR_DISSECTION, MONITOR_HEADER, monitorLines } from './dbg-monitor.ts';
import { formatPolicyGet, formatPolicySelectors, goJson } from './dbg-policy.ts';

export const DBG_HELP = `CLI for interacting with the local Cilium Agent

Usage:
  cilium-dbg [command]

Available Commands:
  endpoint    Manage endpoints
  identity    Manage security identities
  monitor     Display BPF program events
  policy      Manage security policies
  status      Display status of daemon

Use "cilium-dbg [command] --help" for more information about a command.
`;

const GROUP_HELP: Readonly<Record<string, string>> = {
  endpoint:
    'Manage endpoints\n\nUsage:\n  cilium-dbg endpoint [command]\n\nAvailable Commands:\n  list        List all endpoints\n',
  identity:
    'Manage security identities\n\nUsage:\n  cilium-dbg identity [command]\n\nAvailable Commands:\n  list        List identities\n',
  policy:
    'Manage security policies\n\nUsage:\n  cilium-dbg policy [command]\n\nAvailable Commands:\n  get         Display policy node information (deprecated)\n  selectors   Display cached information about selectors\n',
};

/** Runs `cilium-dbg` with `args` (the words after the program name). */
export function ciliumDbg(ctx: CommandContext<SimWorld>, args: readonly string[]): CommandResult {
  const world = ctx.world;
  const words = args.filter((a) => !a.startsWith('-'));
  const [group, action] = words;
  const rest = (skip: number) => {
    const out: string[] = [];
    let seen = 0;
    for (const a of args) {
      if (!a.startsWith('-') && seen < skip) {
        seen++;
        continue;
      }
      out.push(a);
    }
    return out;
  };
  const flagsFor = (skip: number, defs: FlagDef[]) => parseFlags(rest(skip), defs);
  const outputFlag: FlagDef = { name: 'output', short: 'o', kind: 'string' };

  switch (group) {
    case undefined:
      return ok(DBG_HELP);
    case 'status': {
      const p = flagsFor(1, [
        { name: 'verbose', kind: 'bool' },
        { name: 'brief', kind: 'bool' },
      ]);
      if (!p.ok) return cobraFail(p.message);
      if (boolValue(p.flags, 'brief')) return ok('OK\n');
      return ok(formatAgentStatus(world, agentNode(world, ctx.shell)));
    }
    case 'endpoint':
    case 'ep': {
      if (action !== 'list' && action !== 'ls') {
        if (action === undefined) return ok(GROUP_HELP.endpoint!);
        return cobraFail(unknownCommand(action, 'cilium-dbg endpoint', ['list']));
      }
      const p = flagsFor(2, [outputFlag, { name: 'no-headers', kind: 'bool' }]);
      if (!p.ok) return cobraFail(p.message);
      const rows = endpointRows(world, agentNode(world, ctx.shell));
      if (p.flags.values.has('output'))
        return ok(
          `${goJson(
            rows.map((r) => ({
              id: r.id,
              status: {
                identity: { id: Number(r.identity) || 0, labels: r.labels },
                networking: { addressing: [{ ipv4: r.ipv4 }] },
                policy: {
                  realized: {
                    'policy-enabled':
                      r.ingress === 'Enabled'
                        ? r.egress === 'Enabled'
                          ? 'both'
                          : 'ingress'
                        : r.egress === 'Enabled'
                          ? 'egress'
                          : 'none',
                  },
                },
                state: r.status,
                ...(r.pod
                  ? {
                      'external-identifiers': {
                        'k8s-namespace': r.pod.split('/')[0],
                        'k8s-pod-name': r.pod.split('/')[1],
                      },
                    }
                  : {}),
              },
            })),
          )}\n`,
        );
      return ok(formatEndpointList(rows, !boolValue(p.flags, 'no-headers')));
    }
    case 'identity': {
      if (action !== 'list' && action !== 'ls') {
        if (action === undefined) return ok(GROUP_HELP.identity!);
        return cobraFail(unknownCommand(action, 'cilium-dbg identity', ['list']));
      }
      const p = flagsFor(2, [outputFlag, { name: 'endpoints', kind: 'bool' }]);
      if (!p.ok) return cobraFail(p.message);
      return ok(formatIdentityList(identityRows(world)));
    }
    case 'policy': {
      if (action === 'get') {
        const p = flagsFor(2, [outputFlag]);
        if (!p.ok) return cobraFail(p.message);
        return ok(formatPolicyGet(world, p.flags.operands));
      }
      if (action === 'selectors') {
        const p = flagsFor(2, [outputFlag, { name: 'verbose', short: 'v', kind: 'bool' }]);
        if (!p.ok) return cobraFail(p.message);
        return ok(formatPolicySelectors(world));
      }
      if (action === undefined) return ok(GROUP_HELP.policy!);
      return cobraFail(unknownCommand(action, 'cilium-dbg policy', ['get', 'selectors']));
    }
    case 'monitor': {
      const types = new Set<string>();
      const p = flagsFor(1, [
        { name: 'type', short: 't', kind: 'string', set: (v) => void types.add(v) },
        { name: 'numeric', short: 'n', kind: 'bool' },
        { name: 'verbose', short: 'v', kind: 'bool' },
        { name: 'related-to', kind: 'string' },
        { name: 'from', kind: 'string' },
        { name: 'to', kind: 'string' },
      ]);
      if (!p.ok) return cobraFail(p.message);
      const node = agentNode(world, ctx.shell);
      const flows = world.flows
        .all()
        .map((e) => e.flow)
        .filter((f) => f.node_name === node.name);
      const lines = monitorLines(flows, types, boolValue(p.flags, 'numeric'));
      return {
        out: [
          out(MONITOR_HEADER + MONITOR_DISSECTION + lines.map((l) => `${l}\n`).join('')),
          err(
            `(simulated monitor: showed the events of node ${node.name} still in the Hubble buffer and stopped; the real monitor shows new events until Ctrl-C)\n`,
          ),
        ],
        exitCode: 0,
      };
    }
    case 'help':
      return ok(DBG_HELP);
    default:
      return cobraFail(
        unknownCommand(group, 'cilium-dbg', [
          'endpoint',
          'identity',
          'monitor',
          'policy',
          'status',
        ]),
      );
  }
}
