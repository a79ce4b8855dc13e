/**
 * The command line's commands. Each takes parsed arguments and returns what to print and the
 * exit code; nothing here writes to the terminal or exits the process.
 */
import { Engine } from '../engine/engine.ts';
import type { ProbeResult } from '../engine/evaluate/probe.ts';
import { flowsForProbes } from '../engine/flows/build.ts';
import { formatCompact, formatDict, type PrintOptions } from '../engine/flows/compact.ts';
import { formatJson } from '../engine/flows/json.ts';
import { redactFlows, type RedactOptions } from '../engine/flows/redact.ts';
import type { CiliumVersion, Diagnostic, SourceFile } from '../engine/types.ts';
import { InputError, isProbeFile, isSideFile, readProbes, readSources } from './inputs.ts';
import { table } from './table.ts';

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Options shared by all commands. */
export interface CommonOptions {
  json: boolean;
  markdown: boolean;
  version?: CiliumVersion;
}

function makeEngine(sources: SourceFile[], opts: CommonOptions, requireContent = true): Engine {
  const engine = new Engine(opts.version ? { ciliumVersion: opts.version } : {});
  engine.load(sources);
  if (requireContent && sources.length > 0 && engine.documentCount === 0) {
    // Every file is empty or unparseable: answering would describe an empty cluster.
    const why = engine.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new InputError(['nothing could be read from the manifests', ...why].join('\n'));
  }
  return engine;
}

function formatDiagnostic(d: Diagnostic): string {
  const who = d.kind
    ? ` ${d.kind}${d.name ? ` ${d.namespace ? `${d.namespace}/` : ''}${d.name}` : ''}:`
    : '';
  return `${d.range.file}:${d.range.startLine}:${d.range.startColumn}: ${d.severity}:${who} ${d.message}`;
}

/** Errors the manifests carry, printed to stderr by commands that still go on. */
function errorLines(engine: Engine): string {
  return engine.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${formatDiagnostic(d)} (this document is not applied)\n`)
    .join('');
}

function nothingRead(sources: SourceFile[]): void {
  if (sources.length === 0) throw new InputError('no manifest files given');
}

/** Loads the manifests, decides every probe, and collects what goes to stderr. */
function runProbes(
  command: string,
  manifests: string[],
  probeFiles: string[],
  opts: CommonOptions,
) {
  if (probeFiles.length === 0) throw new InputError(`${command} needs --probes <probes.yaml>`);
  const sources = readSources(manifests).filter((f) => !isSideFile(f));
  nothingRead(sources);
  const probes = readProbes(readSources(probeFiles));
  const engine = makeEngine(sources, opts);
  engine.publicZone = probes.dns;
  const results = probes.probes.map((p) => engine.probe(p));
  const stderr =
    errorLines(engine) +
    results
      .filter((r) => r.error)
      .map((r) => `probe ${r.id}: ${r.error}\n`)
      .join('');
  return { engine, results, stderr };
}

/** `verdicts <manifests...> --probes <file> [--json]` */
export function verdicts(
  manifests: string[],
  probeFiles: string[],
  opts: CommonOptions,
): CommandOutput {
  const { results, stderr } = runProbes('verdicts', manifests, probeFiles, opts);
  if (opts.json) {
    // The published contract: exactly {"results": [{"id", "verdict", "reason"}]}.
    const out = {
      results: results.map((r) => ({ id: r.id, verdict: r.verdict, reason: r.reason })),
    };
    return { stdout: `${JSON.stringify(out, null, 2)}\n`, stderr, exitCode: 0 };
  }
  const rows = results.map((r) => [r.id, r.verdict.toUpperCase(), r.reason]);
  return { stdout: `${table(['ID', 'VERDICT', 'REASON'], rows)}\n`, stderr, exitCode: 0 };
}

/** Options of the `flows` command. */
export interface FlowsOptions extends PrintOptions {
  output: 'compact' | 'json' | 'dict';
  redact: RedactOptions;
  /** When the first probe starts. */
  start: Date;
}

/** `flows <manifests...> --probes <file> [-o compact|json|dict]`: what Hubble would show. */
export function flows(
  manifests: string[],
  probeFiles: string[],
  opts: CommonOptions,
  flowOpts: FlowsOptions,
): CommandOutput {
  const { engine, results, stderr } = runProbes('flows', manifests, probeFiles, opts);
  const all = redactFlows(
    flowsForProbes(engine, results, { start: flowOpts.start }),
    flowOpts.redact,
  );
  let stdout: string;
  if (flowOpts.output === 'dict') stdout = formatDict(all, flowOpts);
  else {
    const line =
      flowOpts.output === 'json'
        ? formatJson
        : (f: (typeof all)[number]) => formatCompact(f, flowOpts);
    stdout = all.map((f) => `${line(f)}\n`).join('');
  }
  return { stdout, stderr, exitCode: 0 };
}

/** `check <files...>`: manifests and probe files mixed; probes carry `expect`. */
export function check(paths: string[], opts: CommonOptions): CommandOutput {
  const all = readSources(paths);
  const probeSources = all.filter(isProbeFile);
  const sources = all.filter((f) => !isSideFile(f));
  if (probeSources.length === 0)
    throw new InputError(
      'check found no probes file (a YAML file with a top-level "probes:" list)',
    );
  const probeFile = readProbes(probeSources);
  const probes = probeFile.probes;
  const engine = makeEngine(sources, opts);
  engine.publicZone = probeFile.dns;
  let passed = 0;
  let failed = 0;
  const lines: string[] = [];
  for (const p of probes) {
    const r = engine.probe(p);
    if (!p.expect) {
      lines.push(`SKIP ${p.id}: no "expect" (verdict: ${r.verdict})`);
      continue;
    }
    if (r.verdict === p.expect && !r.error) {
      passed++;
      if (!opts.json) lines.push(`ok   ${p.id}: ${r.verdict}`);
    } else {
      failed++;
      lines.push(`FAIL ${p.id}: expected ${p.expect}, got ${r.verdict}\n     why: ${r.reason}`);
    }
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return {
    stdout: `${lines.join('\n')}\n`,
    stderr: errorLines(engine),
    exitCode: failed > 0 ? 1 : 0,
  };
}

/** `validate <files...> [--json]` */
export function validate(paths: string[], opts: CommonOptions): CommandOutput {
  const sources = readSources(paths).filter((f) => !isSideFile(f));
  nothingRead(sources);
  const engine = makeEngine(sources, opts, false);
  const diags = engine.diagnostics;
  const hasError = diags.some((d) => d.severity === 'error');
  if (opts.json) {
    const out = {
      diagnostics: diags.map((d) => ({
        severity: d.severity,
        file: d.range.file,
        line: d.range.startLine,
        column: d.range.startColumn,
        endLine: d.range.endLine,
        endColumn: d.range.endColumn,
        code: d.code,
        kind: d.kind ?? null,
        namespace: d.namespace ?? null,
        name: d.name ?? null,
        path: d.path ?? null,
        message: d.message,
      })),
    };
    return { stdout: `${JSON.stringify(out, null, 2)}\n`, stderr: '', exitCode: hasError ? 1 : 0 };
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diags) counts[d.severity]++;
  const lines = diags.map(formatDiagnostic);
  lines.push(
    `${sources.length} file(s), ${engine.policies.length} policies applied: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s)`,
  );
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: hasError ? 1 : 0 };
}

/** `matrix <manifests...> [--json|--markdown]` */
export function matrix(paths: string[], opts: CommonOptions): CommandOutput {
  const sources = readSources(paths).filter((f) => !isSideFile(f));
  nothingRead(sources);
  const engine = makeEngine(sources, opts);
  const m = engine.matrix();
  const pods = engine.cluster.pods.filter(
    (p) => !p.hostNetwork && p.ip && engine.identities.byPod.has(`${p.namespace}/${p.name}`),
  );
  const columns = pods.flatMap((dst) => dst.ports.map((port) => ({ dst, port })));
  const cells = (src: (typeof pods)[number]) =>
    columns.map(({ dst, port }) => m.allowed(src, dst, port.port, port.protocol));
  const name = (p: (typeof pods)[number]) => `${p.namespace}/${p.name}`;
  const colName = (c: (typeof columns)[number]) =>
    `${name(c.dst)}:${c.port.port}/${c.port.protocol}`;
  if (opts.json) {
    const entries: { from: string; to: string; port: number; protocol: string; verdict: string }[] =
      [];
    for (const src of pods) {
      const row = cells(src);
      columns.forEach((c, i) =>
        entries.push({
          from: name(src),
          to: name(c.dst),
          port: c.port.port,
          protocol: c.port.protocol,
          verdict: row[i] ? 'allowed' : 'denied',
        }),
      );
    }
    return {
      stdout: `${JSON.stringify({ pods: pods.map(name), results: entries }, null, 2)}\n`,
      stderr: errorLines(engine),
      exitCode: 0,
    };
  }
  if (opts.markdown) {
    const header = `| from \\ to | ${columns.map(colName).join(' | ')} |`;
    const sep = `|---|${columns.map(() => ':-:').join('|')}|`;
    const rows = pods.map(
      (src) =>
        `| ${name(src)} | ${cells(src)
          .map((a) => (a ? '✅' : '❌'))
          .join(' | ')} |`,
    );
    return {
      stdout: `${[header, sep, ...rows].join('\n')}\n`,
      stderr: errorLines(engine),
      exitCode: 0,
    };
  }
  // Text: columns numbered, a legend below, like cyclonus' truth tables.
  const header = ['FROM \\ TO', ...columns.map((_, i) => String(i + 1))];
  const rows = pods.map((src) => [name(src), ...cells(src).map((a) => (a ? '.' : 'X'))]);
  const legend = columns.map((c, i) => `${String(i + 1).padStart(3)}  ${colName(c)}`).join('\n');
  return {
    stdout: `${table(header, rows, 1)}\n\n. allowed   X denied\n${legend}\n`,
    stderr: errorLines(engine),
    exitCode: 0,
  };
}

export type { ProbeResult };
