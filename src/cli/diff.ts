/**
 * `diff <before...> -- <after...>`: which flows a change of manifests allows or denies.
 *
 * The arguments before `--` are the manifests before the change, those after it the manifests
 * after; options may stand anywhere. Exit code 0 when no flow changed, 1 when some did, 2 when
 * the command line or an input is unusable (thrown as InputError).
 */
import { diffEngines, type FlowChange, type FlowDiff } from '../engine/diff/diff.ts';
import type { CiliumVersion } from '../engine/types.ts';
import { errorLines, makeEngine, type CommandOutput, type CommonOptions } from './commands.ts';
import { mdTable } from './formats.ts';
import { InputError, isSideFile, parseCiliumVersion, readProbes, readSources } from './inputs.ts';

/** Parsed arguments of `diff`. */
export interface DiffArgs {
  before: string[];
  after: string[];
  probes: string[];
  format: 'text' | 'json' | 'markdown';
  by: 'workload' | 'pod';
  version?: CiliumVersion;
}

export const DIFF_USAGE = `usage: netpol-playground diff <before files...> -- <after files...> [--probes FILE]
                              [--json | --markdown] [--by workload|pod] [--cilium-version V]
Exit code: 0 no flow changed, 1 some flow changed, 2 unreadable input or bad command line.`;

/** Markdown rows shown at most; the rest is counted (a pull-request comment has a size limit). */
export const MARKDOWN_ROW_LIMIT = 200;

/** Splits `diff`'s arguments (without the word `diff`) at the one `--`. */
export function parseDiffArgs(args: readonly string[]): DiffArgs {
  const out: DiffArgs = { before: [], after: [], probes: [], format: 'text', by: 'workload' };
  let separators = 0;
  let json = false;
  let markdown = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (name: string): string => {
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      const v = args[++i];
      if (v === undefined || v === '--' || (v.startsWith('-') && v !== '-'))
        throw new InputError(`${name} needs a value\n\n${DIFF_USAGE}`);
      return v;
    };
    if (a === '--') separators++;
    else if (a === '--json') json = true;
    else if (a === '--markdown') markdown = true;
    else if (a === '--probes' || a.startsWith('--probes=')) out.probes.push(value('--probes'));
    else if (a === '--by' || a.startsWith('--by=')) {
      const v = value('--by');
      if (v !== 'workload' && v !== 'pod')
        throw new InputError(`--by must be workload or pod, not "${v}"`);
      out.by = v;
    } else if (a === '--cilium-version' || a.startsWith('--cilium-version=')) {
      out.version = parseCiliumVersion(value('--cilium-version'));
    } else if (a.startsWith('-') && a !== '-')
      throw new InputError(`unknown option ${a} for diff\n\n${DIFF_USAGE}`);
    else (separators === 0 ? out.before : out.after).push(a);
  }
  if (separators !== 1)
    throw new InputError(
      `diff needs exactly one -- between the before and the after files\n\n${DIFF_USAGE}`,
    );
  if (out.before.length === 0 || out.after.length === 0)
    throw new InputError(
      `diff needs files on both sides of --: ${out.before.length === 0 ? 'before' : 'after'} is empty\n\n${DIFF_USAGE}`,
    );
  if (json && markdown) throw new InputError('choose one of --json and --markdown');
  out.format = json ? 'json' : markdown ? 'markdown' : 'text';
  return out;
}

function endpoints(c: FlowChange): string {
  return `${c.from} → ${c.to} ${c.port}/${c.protocol}${c.l7 !== null ? ` ${c.l7}` : ''}`;
}

function note(c: FlowChange): string {
  const parts: string[] = [];
  if (c.before === 'absent') parts.push('new flow');
  if (c.after === 'absent') parts.push('flow gone');
  if (c.probes.length > 0)
    parts.push(`${c.probes.length === 1 ? 'probe' : 'probes'} ${c.probes.join(', ')}`);
  return parts.length > 0 ? `  (${parts.join('; ')})` : '';
}

function summaryLine(d: FlowDiff): string {
  const s = d.summary;
  return `${s.newlyAllowed} newly allowed, ${s.newlyDenied} newly denied (${s.flows} flows, ${s.probes} probes compared)`;
}

/** One line per changed flow, newly allowed first, then the counts. */
export function formatDiffText(d: FlowDiff): string {
  const lines: string[] = [];
  const group = (change: 'allowed' | 'denied', title: string, mark: string) => {
    const rows = d.changes.filter((c) => c.change === change);
    if (rows.length === 0) return;
    lines.push(`${title} (${rows.length}):`);
    for (const c of rows) lines.push(`${mark} ${change.padEnd(8)} ${endpoints(c)}${note(c)}`);
    lines.push('');
  };
  group('allowed', 'Newly allowed', '+');
  group('denied', 'Newly denied', '-');
  lines.push(d.changes.length === 0 ? `No change: ${summaryLine(d)}` : summaryLine(d));
  return `${lines.join('\n')}\n`;
}

/**
 * The stable JSON shape of `diff --json`; keys in this order, rows in the order of the diff.
 * Adding keys later is compatible; renaming or removing them is not.
 */
export function diffJson(d: FlowDiff): string {
  const doc = {
    summary: {
      newlyAllowed: d.summary.newlyAllowed,
      newlyDenied: d.summary.newlyDenied,
      flows: d.summary.flows,
      probes: d.summary.probes,
    },
    changes: d.changes.map((c) => ({
      change: c.change,
      from: c.from,
      to: c.to,
      port: c.port,
      protocol: c.protocol,
      l7: c.l7,
      probes: c.probes,
      pairs: c.pairs,
      before: c.before,
      after: c.after,
      policies: c.policies,
      reason: c.reason,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A heading, the counts and one table of the changes, for a pull-request comment. */
export function formatDiffMarkdown(d: FlowDiff): string {
  const s = d.summary;
  const out = [
    '### Network policy diff',
    '',
    `**${s.newlyAllowed} newly allowed, ${s.newlyDenied} newly denied** (${s.flows} flows, ${s.probes} probes compared)`,
    '',
  ];
  if (d.changes.length === 0) {
    out.push('No flow changed.');
    return `${out.join('\n')}\n`;
  }
  const shown = d.changes.slice(0, MARKDOWN_ROW_LIMIT);
  const rows = shown.map((c) => {
    const was = c.before === 'absent' ? ' (new flow)' : c.after === 'absent' ? ' (flow gone)' : '';
    return [
      `${c.change === 'allowed' ? '🟢 newly allowed' : '🔴 newly denied'}${was}`,
      c.from,
      c.to,
      `${c.port}/${c.protocol}`,
      c.l7 ?? '',
      c.probes.join(', '),
      c.policies.join(', '),
    ];
  });
  out.push(mdTable(['Change', 'From', 'To', 'Port', 'L7', 'Probes', 'Policies'], rows));
  if (d.changes.length > shown.length)
    out.push('', `… and ${d.changes.length - shown.length} more (see \`diff --json\`).`);
  return `${out.join('\n')}\n`;
}

/** `diff <before...> -- <after...> [--probes FILE] [--json | --markdown] [--by workload|pod]` */
export function diffCommand(args: readonly string[]): CommandOutput {
  if (args.includes('-h') || args.includes('--help'))
    return { stdout: `${DIFF_USAGE}\n`, stderr: '', exitCode: 0 };
  const a = parseDiffArgs(args);
  const opts: CommonOptions = {
    json: false,
    markdown: false,
    ...(a.version ? { version: a.version } : {}),
  };
  const load = (paths: string[]) => {
    const sources = readSources(paths).filter((f) => !isSideFile(f));
    if (sources.length === 0)
      throw new InputError(`${paths.join(' ')}: no manifest files (YAML or JSON) found`);
    return makeEngine(sources, opts);
  };
  const before = load(a.before);
  const after = load(a.after);
  const probes = a.probes.length > 0 ? readProbes(readSources(a.probes)) : undefined;
  if (probes) before.publicZone = after.publicZone = probes.dns;
  const d = diffEngines(before, after, { by: a.by, ...(probes ? { probes: probes.probes } : {}) });
  const stdout =
    a.format === 'json'
      ? diffJson(d)
      : a.format === 'markdown'
        ? formatDiffMarkdown(d)
        : formatDiffText(d);
  // The same file on both sides would report its errors twice.
  const stderr = [...new Set(`${errorLines(before)}${errorLines(after)}`.split(/(?<=\n)/))].join(
    '',
  );
  return { stdout, stderr, exitCode: d.changes.length > 0 ? 1 : 0 };
}
