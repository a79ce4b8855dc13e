/**
 * `hubble observe`: flows from the simulated Hubble buffer through Relay (localhost:4245), with
 * the CLI's flags, filters, output formats and error messages (hubble/cmd/observe/flows.go).
 *
 * Which flows are read follows the server (pkg/hubble/observer, `newRingReader`):
 *   - no `--since`/`--first`/`--all`: the last `--last` matching flows (20 by default);
 *   - `--first N`: the oldest N matching flows;
 *   - `--since T`: every matching flow from T on, capped at `--last N` counted from T;
 *   - `--until T` stops at the first flow after T (ignored with `--follow`).
 * The simulation keeps one buffer for the whole cluster, so `--last` counts across nodes.
 *
 * `--follow` cannot stream in the browser terminal yet. Here it prints what is buffered (as
 * `--last 20` would), lets ten seconds of simulated time pass, so the world's background
 * traffic runs, prints the flows that appeared, and ends with a line saying so. (Real Hubble,
 * given no `--last`, starts at the end of the buffer and streams until interrupted.)
 */
import type { LoggedFlow, SimWorld } from '../../world.ts';
import {
  err,
  out,
  type CommandContext,
  type CommandResult,
  type OutputChunk,
} from '../../shell/types.ts';
import { FILTER_FLAGS, FilterBuilder, type FilterFlag } from './filters.ts';
import { boolValue, cobraFail, lastValue, parseFlags, type FlagDef } from './flags.ts';
import { parseHubbleTime } from './gotime.ts';
import { FlowPrinter, type OutputFormat } from './printer.ts';
import { hubbleServer, serverFlows } from './server.ts';

/** How many flows a plain `hubble observe` prints (defaults.FlowPrintCount). */
export const DEFAULT_FLOW_COUNT = 20;
/** Simulated time a `--follow` lets pass before it stops. */
export const FOLLOW_WINDOW_MS = 10_000;

const SHORT: Partial<Record<FilterFlag, string>> = {
  namespace: 'n',
  label: 'l',
  type: 't',
  'all-namespaces': 'A',
};

const OUTPUTS: Readonly<Record<string, OutputFormat>> = {
  compact: 'compact',
  dict: 'dict',
  json: 'json',
  JSON: 'json',
  jsonpb: 'json',
  tab: 'table',
  table: 'table',
};

export const OBSERVE_HELP = `Observe flows of a Hubble server

Usage:
  hubble observe [flags]

Selectors:
      --all                 Get all flows stored in the buffer
      --first uint          Get the first N flows stored in the buffer
  -f, --follow              Follow flows output (see the note below)
      --last uint           Get the last N flows stored in the buffer (default 20)
      --since string        Flows since a time: a duration back from now (5m) or RFC 3339
      --until string        Flows until a time, in the same forms as --since

Filters (values of one flag OR, different flags AND; --not negates the next filter):
      --not                 Reverse the next filter
      --pod, --from-pod, --to-pod [namespace/]name-prefix   ('default' when no namespace)
  -n, --namespace, --from-namespace, --to-namespace string
  -A, --all-namespaces
      --ip, --from-ip, --to-ip address or CIDR
  -l, --label, --from-label, --to-label selector (e.g. "app=web", "reserved:world")
      --fqdn, --from-fqdn, --to-fqdn name (e.g. "*.cilium.io")
      --port, --from-port, --to-port number
      --identity, --from-identity, --to-identity number or reserved name (world, host, ...)
      --verdict FORWARDED|DROPPED|AUDIT|REDIRECTED|ERROR|TRACED|TRANSLATED
      --protocol tcp|udp|sctp|icmp|http|dns|kafka
  -t, --type TYPE[:SUBTYPE]  drop, trace (to-endpoint, to-proxy, to-stack, ...), l7, policy-verdict
      --http-method, --http-path (regex), --http-status (e.g. 404, 5+)
      --traffic-direction ingress|egress, --node-name pattern, --uuid id

Formatting:
  -o, --output string       compact, dict, json, jsonpb or table (default "compact")
      --color string        auto, always or never (default "auto": plain, as the terminal is no TTY)
      --time-format string  StampMilli, RFC3339, RFC3339Milli, RFC3339Nano, ... (default "StampMilli")
      --numeric             Show addresses instead of pod and DNS names
      --print-node-name     Print the node each flow was observed on
      --print-policy-names  Name the policies that allowed or denied each policy verdict

Note: this terminal cannot stream yet. With --follow, observe prints the buffered flows, lets
10 seconds of simulated time pass (background traffic keeps running), prints the flows that
appeared, and stops. Real Hubble keeps following until you press Ctrl-C.
`;

interface Selector {
  follow: boolean;
  first: number;
  last: number;
  all: boolean;
  since?: number;
  until?: number;
}

/** Which buffered flows a request returns, in order (the server's ring reader). */
export function selectFlows(
  entries: readonly LoggedFlow[],
  match: (e: LoggedFlow) => boolean,
  sel: Selector,
): LoggedFlow[] {
  const first = sel.first > 0;
  let number = first ? sel.first : sel.last;
  if (sel.since === undefined && sel.until === undefined && !first) {
    if (sel.all) number = Infinity;
    // The simulated follow shows the buffer's recent flows first (see the module comment).
    else if (number === 0) number = DEFAULT_FLOW_COUNT;
  }
  let start = 0;
  if (!(first && sel.since === undefined)) {
    start = entries.length;
    let count = 0;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (!match(e)) continue;
      if (sel.since !== undefined) {
        if (e.at < sel.since) break;
      } else if (number > 0 && count >= number) break;
      count++;
      start = i;
    }
  }
  const picked: LoggedFlow[] = [];
  const until = sel.follow ? undefined : sel.until;
  for (let i = start; i < entries.length; i++) {
    const e = entries[i]!;
    if (until !== undefined && e.at > until) break;
    if (sel.since !== undefined && e.at < sel.since) continue;
    if (!match(e)) continue;
    if (!sel.follow && number > 0 && picked.length >= number) break;
    picked.push(e);
  }
  return picked;
}

/** A flow time that sorts as text: seconds, then nine digits of fraction. */
function timeKey(time: string): string {
  const dot = time.indexOf('.');
  if (dot < 0) return `${time.slice(0, -1)}.000000000`;
  return `${time.slice(0, dot)}.${time.slice(dot + 1, -1).padEnd(9, '0')}`;
}

/**
 * Flows in time order, as Relay merges them. Probes that run at the same simulated instant
 * write their flows one after the other; their packets interleave in time.
 */
export function inTimeOrder(entries: readonly LoggedFlow[]): LoggedFlow[] {
  return entries
    .map((e, i) => ({ e, i, k: timeKey(e.flow.time) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.e);
}

export function observe(ctx: CommandContext<SimWorld>, argv: readonly string[]): CommandResult {
  const world = ctx.world;
  const filters = new FilterBuilder();
  const defs: FlagDef[] = [
    { name: 'follow', short: 'f', kind: 'bool' },
    { name: 'last', kind: 'uint' },
    { name: 'first', kind: 'uint' },
    { name: 'all', kind: 'bool' },
    { name: 'since', kind: 'string' },
    { name: 'until', kind: 'string' },
    { name: 'output', short: 'o', kind: 'string' },
    { name: 'color', kind: 'string' },
    { name: 'time-format', kind: 'string' },
    { name: 'numeric', kind: 'bool' },
    { name: 'ip-translation', kind: 'bool' },
    { name: 'print-node-name', kind: 'bool' },
    { name: 'print-policy-names', kind: 'bool' },
    { name: 'server', kind: 'string' },
    { name: 'port-forward', short: 'P', kind: 'bool' },
    { name: 'not', kind: 'string', noOptDefVal: 'true', set: () => filters.not() },
    ...FILTER_FLAGS.map((name): FlagDef => ({
      name,
      kind: 'string',
      ...(SHORT[name] ? { short: SHORT[name] } : {}),
      ...(name === 'all-namespaces' ? { noOptDefVal: 'true' } : {}),
      set: (v) => filters.set(name, v),
    })),
  ];
  const parsed = parseFlags(argv, defs);
  if (!parsed.ok) return cobraFail(parsed.message);
  const flags = parsed.flags;
  if (flags.help) return { out: [out(OBSERVE_HELP)], exitCode: 0 };

  // handleFlowArgs
  if (filters.negating) return cobraFail('trailing --not found in the arguments');
  const follow = boolValue(flags, 'follow');
  const outputName = lastValue(flags, 'output') ?? 'compact';
  const output = OUTPUTS[outputName];
  if (!output) return cobraFail(`invalid output format: ${outputName}`);
  if (output === 'table' && follow)
    return cobraFail('table output format is not compatible with follow mode');

  // getFlowsRequest
  const first = Number(lastValue(flags, 'first') ?? 0);
  const last = Number(lastValue(flags, 'last') ?? 0);
  const all = boolValue(flags, 'all');
  if (first > 0 && last > 0) return cobraFail('cannot set both --first and --last');
  if (first > 0 && all) return cobraFail('cannot set both --first and --all');
  if (first > 0 && follow) return cobraFail('cannot set both --first and --follow');
  if (last > 0 && all) return cobraFail('cannot set both --last and --all');
  const now = world.clock.now();
  const sel: Selector = { follow, first, last, all };
  for (const which of ['since', 'until'] as const) {
    const text = lastValue(flags, which);
    if (text === undefined || text === '') continue;
    const t = parseHubbleTime(text, now);
    if (t === undefined)
      return cobraFail(`failed to parse the ${which} time: failed to convert ${text} to time`);
    sel[which] = t;
  }
  const compiled = filters.compile();
  if (!compiled.ok) return cobraFail(compiled.message);
  const match = (e: LoggedFlow) => compiled.match(e.flow);

  const ipTranslation =
    !boolValue(flags, 'numeric') &&
    (!flags.values.has('ip-translation') || boolValue(flags, 'ip-translation'));
  const printer = new FlowPrinter({
    output,
    color: (lastValue(flags, 'color') ?? 'auto').toLowerCase() === 'always',
    printNodeName: boolValue(flags, 'print-node-name'),
    printPolicyNames: boolValue(flags, 'print-policy-names'),
    ipTranslation,
    timeFormat: lastValue(flags, 'time-format') ?? 'StampMilli',
  });

  const chunks: OutputChunk[] = [];
  let text = '';
  const server = hubbleServer(world, ctx.shell);
  for (const e of selectFlows(inTimeOrder(serverFlows(server, world.flows.all())), match, sel))
    text += printer.write(e.flow);
  if (!follow) {
    text += printer.close();
    if (text) chunks.push(out(text));
    return { out: chunks, exitCode: 0 };
  }
  if (text) chunks.push(out(text));
  const mark = world.flows.sequence;
  world.advance(FOLLOW_WINDOW_MS);
  let fresh = '';
  for (const e of inTimeOrder(serverFlows(server, world.flows.since(mark))))
    if (match(e)) fresh += printer.write(e.flow);
  if (fresh) chunks.push(out(fresh));
  chunks.push(
    err(
      `(simulated follow: stopped after ${FOLLOW_WINDOW_MS / 1000}s of simulated time; real hubble keeps streaming until Ctrl-C)\n`,
    ),
  );
  return { out: chunks, exitCode: 0, elapsedMs: FOLLOW_WINDOW_MS };
}
