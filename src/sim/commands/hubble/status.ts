/**
 * `hubble status` and `hubble list nodes`: Relay's view of the flow buffers (hubble/cmd/status,
 * hubble/cmd/list/node.go, `WriteServerStatusResponse` in hubble/pkg/printer).
 *
 * Each node's agent keeps 4095 flows; Relay adds the nodes up. The simulation has one buffer for
 * the whole cluster, so the current count is the buffer's and the maximum is 4095 per node. The
 * rate is what the server computes: the flows of the last minute over sixty seconds, else all
 * flows seen over the agents' uptime.
 */
import { agentStart } from '../cilium/agents.ts';
import { ciliumRelease } from '../cilium/versions.ts';
import type { SimWorld } from '../../world.ts';
import { err, out, type CommandContext, type CommandResult } from '../../shell/types.ts';
import { tabRows } from '../tabwriter.ts';
import { lastValue, parseFlags } from './flags.ts';
import { formatGoDuration } from './gotime.ts';
import { hubbleServer, serverFlows } from './server.ts';

/** `12,285`: Go's uint64 grouping in the status printer. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

interface NodeStats {
  name: string;
  flows: number;
  max: number;
  seen: number;
  uptimeMs: number;
}

function stats(world: SimWorld): { nodes: NodeStats[]; rate: number } {
  const now = world.clock.now();
  const all = world.flows.all();
  const perNode = new Map<string, number>();
  for (const e of all) perNode.set(e.flow.node_name, (perNode.get(e.flow.node_name) ?? 0) + 1);
  const recent = all.filter((e) => e.at > now - 60_000 && e.at <= now).length;
  const uptimeMs = now - agentStart(world);
  const capacity = world.flows.capacity;
  const nodes = world.engine.cluster.nodes.map((n) => ({
    name: n.name,
    flows: Math.min(perNode.get(n.name) ?? 0, capacity),
    max: capacity,
    seen: perNode.get(n.name) ?? 0,
    uptimeMs,
  }));
  return { nodes, rate: recent / 60 };
}

export function status(ctx: CommandContext<SimWorld>, argv: readonly string[]): CommandResult {
  const parsed = parseFlags(argv, [
    { name: 'output', short: 'o', kind: 'string' },
    { name: 'server', kind: 'string' },
    { name: 'port-forward', short: 'P', kind: 'bool' },
  ]);
  if (!parsed.ok) return { out: [err(`${parsed.message}\n`)], exitCode: 1 };
  if (parsed.flags.help)
    return {
      out: [
        out(
          'Display status of Hubble server\n\nUsage:\n  hubble status [flags]\n\nFlags:\n  -o, --output string   compact, dict, json or table (default "compact")\n',
        ),
      ],
      exitCode: 0,
    };
  const world = ctx.world;
  const server = hubbleServer(world, ctx.shell);
  const { nodes: all, rate: relayRate } = stats(world);
  // A local agent server reports its own buffer and no node counts.
  const nodes = server.node === undefined ? all : all.filter((n) => n.name === server.node);
  const local = server.node !== undefined;
  const now = world.clock.now();
  const rate = local
    ? serverFlows(server, world.flows.all()).filter((e) => e.at > now - 60_000 && e.at <= now)
        .length / 60
    : relayRate;
  const numFlows = nodes.reduce((s, n) => s + n.flows, 0);
  const maxFlows = nodes.reduce((s, n) => s + n.max, 0);
  const seen = local ? nodes.reduce((s, n) => s + n.seen, 0) : world.flows.sequence;
  const uptimeMs = nodes[0]?.uptimeMs ?? 0;
  let flowsPerSec = rate > 0 ? rate.toFixed(2) : 'N/A';
  const output = lastValue(parsed.flags, 'output') ?? 'compact';
  const connected = nodes.length;
  const connectedText = local ? 'N/A' : String(connected);
  const unavailableText = local ? 'N/A' : '0';
  switch (output) {
    case 'compact': {
      if (flowsPerSec === 'N/A' && uptimeMs > 0)
        flowsPerSec = (seen / (uptimeMs / 1000)).toFixed(2);
      const ratio = maxFlows > 0 ? ` (${((numFlows / maxFlows) * 100).toFixed(2)}%)` : '';
      return {
        out: [
          out(
            `Healthcheck (via ${server.target}): Ok\n` +
              `Current/Max Flows: ${grouped(numFlows)}/${grouped(maxFlows)}${ratio}\n` +
              `Flows/s: ${flowsPerSec}\n` +
              (local ? '' : `Connected Nodes: ${connected}/${connected}\n`),
          ),
        ],
        exitCode: 0,
      };
    }
    case 'dict':
      return {
        out: [
          out(
            `          NUM FLOWS: ${grouped(numFlows)}\n` +
              `          MAX FLOWS: ${grouped(maxFlows)}\n` +
              `         SEEN FLOWS: ${grouped(seen)}\n` +
              `   FLOWS PER SECOND: ${flowsPerSec}\n` +
              `             UPTIME: ${formatGoDuration(uptimeMs)}\n` +
              `NUM CONNECTED NODES: ${connectedText}\n` +
              ` NUM UNAVAIL. NODES: ${unavailableText}\n` +
              `            VERSION: ${ciliumRelease(world)}\n`,
          ),
        ],
        exitCode: 0,
      };
    case 'tab':
    case 'table':
      return {
        out: [
          out(
            tabRows(
              [
                [
                  'NUM FLOWS',
                  'MAX FLOWS',
                  'SEEN FLOWS',
                  'FLOWS PER SECOND',
                  'UPTIME',
                  'NUM CONNECTED NODES',
                  'NUM UNAVAILABLE NODES',
                  'VERSION',
                ],
                [
                  grouped(numFlows),
                  grouped(maxFlows),
                  grouped(seen),
                  flowsPerSec,
                  formatGoDuration(uptimeMs),
                  connectedText,
                  unavailableText,
                  ciliumRelease(world),
                ],
              ],
              { minWidth: 2, padding: 3 },
            ),
          ),
        ],
        exitCode: 0,
      };
    case 'json':
    case 'JSON':
    case 'jsonpb': {
      const fields = [
        `"num_flows":"${numFlows}"`,
        `"max_flows":"${maxFlows}"`,
        `"seen_flows":"${seen}"`,
        `"uptime_ns":"${Math.max(0, uptimeMs) * 1_000_000}"`,
        ...(local ? [] : [`"num_connected_nodes":${connected}`, `"num_unavailable_nodes":0`]),
        `"version":"${ciliumRelease(world)}"`,
        ...(rate > 0 ? [`"flows_rate":${Number(rate.toFixed(6))}`] : []),
      ];
      return { out: [out(`{${fields.join(',')}}\n`)], exitCode: 0 };
    }
    default:
      return { out: [err(`invalid output format: ${output}\n`)], exitCode: 1 };
  }
}

export function listNodes(ctx: CommandContext<SimWorld>, argv: readonly string[]): CommandResult {
  const parsed = parseFlags(argv, [
    { name: 'output', short: 'o', kind: 'string' },
    { name: 'server', kind: 'string' },
    { name: 'port-forward', short: 'P', kind: 'bool' },
  ]);
  if (!parsed.ok) return { out: [err(`${parsed.message}\n`)], exitCode: 1 };
  const output = lastValue(parsed.flags, 'output') ?? 'table';
  const { nodes } = stats(ctx.world);
  const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (output === 'json') {
    const lines = sorted.map(
      (n) =>
        `{"name":"${n.name}","version":"${ciliumRelease(ctx.world)}","address":"${ctx.world.engine.cluster.nodes.find((x) => x.name === n.name)?.ip ?? ''}:4244","state":"NODE_CONNECTED","uptime_ns":"${n.uptimeMs * 1_000_000}","num_flows":"${n.flows}","max_flows":"${n.max}","seen_flows":"${n.seen}"}`,
    );
    return { out: [out(`${lines.join('\n')}\n`)], exitCode: 0 };
  }
  if (output !== 'table' && output !== 'wide')
    return { out: [err(`unknown output format: ${output}\n`)], exitCode: 1 };
  const wide = output === 'wide';
  const rows: string[][] = [
    [
      'NAME',
      'STATUS',
      'AGE',
      'FLOWS/S',
      'CURRENT/MAX-FLOWS',
      ...(wide ? ['VERSION', 'ADDRESS', 'TLS'] : []),
    ],
  ];
  for (const n of sorted) {
    const secs = Math.round(n.uptimeMs / 1000);
    const ratio = `${n.flows}/${n.max} (${((n.flows / n.max) * 100).toFixed(2).padStart(6)}%)`;
    const ip = ctx.world.engine.cluster.nodes.find((x) => x.name === n.name)?.ip ?? '';
    rows.push([
      n.name,
      'Connected',
      secs > 0 ? formatGoDuration(n.uptimeMs) : 'N/A',
      secs > 0 ? (n.seen / secs).toFixed(2) : 'N/A',
      ratio,
      ...(wide ? [ciliumRelease(ctx.world), `${ip}:4244`, 'Disabled'] : []),
    ]);
  }
  return { out: [out(tabRows(rows, { minWidth: 2, padding: 3 }))], exitCode: 0 };
}
