/**
 * The command line's commands. Each takes parsed arguments and returns what to print and the
 * exit code; nothing here writes to the terminal or exits the process.
 */
import { Engine } from '../engine/engine.ts';
import type { Probe, ProbeResult } from '../engine/evaluate/probe.ts';
import { decidingPolicies } from '../engine/explain.ts';
import { flowsForProbes } from '../engine/flows/build.ts';
import { formatCompact, formatDict, type PrintOptions } from '../engine/flows/compact.ts';
import { formatJson } from '../engine/flows/json.ts';
import { redactFlows, type RedactOptions } from '../engine/flows/redact.ts';
import type { CiliumVersion, Diagnostic, SourceFile } from '../engine/types.ts';
import { csv, junitXml, mdTable, type JUnitCase, type JUnitSuite } from './formats.ts';
import {
  InputError,
  isProbeFile,
  isSideFile,
  readProbes,
  readSources,
  type ProbeFile,
} from './inputs.ts';
import { table } from './table.ts';

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Reports to write next to the output (e.g. `--junit FILE`); the entry point writes them. */
  files?: { path: string; text: string }[];
}

/** Options shared by all commands. */
export interface CommonOptions {
  json: boolean;
  markdown: boolean;
  /** `matrix --csv`. */
  csv?: boolean;
  /** `check`/`verdicts --junit FILE`: also write a JUnit XML report there. */
  junit?: string;
  version?: CiliumVersion;
}

/** Loads manifests into a new engine; exit 2 when files were given but none could be read. */
export function makeEngine(
  sources: SourceFile[],
  opts: CommonOptions,
  requireContent = true,
): Engine {
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
export function errorLines(engine: Engine): string {
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
  return { engine, results, stderr, probes };
}

/** How a probe fared against its `expect`. */
type Outcome = 'pass' | 'fail' | 'error' | 'skip';

function outcomeOf(p: Probe, r: ProbeResult): Outcome {
  if (!p.expect) return 'skip';
  if (r.error) return 'error';
  return r.verdict === p.expect ? 'pass' : 'fail';
}

const decidedBy = (r: ProbeResult) => decidingPolicies(r).join(', ') || 'no policy';

/**
 * The JUnit report of `check` and `verdicts`: one suite per probes file, one case per probe. A
 * probe without `expect` is skipped, an unresolvable one is an error, a wrong verdict a failure
 * whose text is the reason and the deciding policies.
 */
function junitReport(command: string, file: ProbeFile, results: ProbeResult[]): string {
  const suites = new Map<string, JUnitSuite>();
  file.probes.forEach((p, i) => {
    const r = results[i]!;
    const place = file.places[i]!;
    let suite = suites.get(place.file);
    if (!suite) suites.set(place.file, (suite = { name: place.file, cases: [] }));
    const policies = decidedBy(r);
    const c: JUnitCase = {
      name: p.id,
      classname: place.file,
      file: place.file,
      line: place.line,
      output: `verdict: ${r.verdict}\ndecided by: ${policies}\nreason: ${r.reason}`,
    };
    const details = `${r.reason}\ndecided by: ${policies}`;
    switch (outcomeOf(p, r)) {
      case 'skip':
        c.skipped = `no expect (verdict: ${r.verdict})`;
        break;
      case 'error':
        c.error = { message: r.error ?? r.reason, type: 'probe-error', details: r.reason };
        break;
      case 'fail':
        c.failure = {
          message: `expected ${p.expect}, got ${r.verdict} (decided by ${policies})`,
          type: 'verdict',
          details,
        };
        break;
      case 'pass':
        break;
    }
    suite.cases.push(c);
  });
  return junitXml(`netpol-playground ${command}`, [...suites.values()]);
}

const OUTCOME_MARK: Record<Outcome, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⚠️ error',
  skip: '➖ skip',
};

/** `verdicts <manifests...> --probes <file> [--json]` */
export function verdicts(
  manifests: string[],
  probeFiles: string[],
  opts: CommonOptions,
): CommandOutput {
  const { results, stderr, probes } = runProbes('verdicts', manifests, probeFiles, opts);
  const files = opts.junit
    ? [{ path: opts.junit, text: junitReport('verdicts', probes, results) }]
    : undefined;
  const done = (stdout: string): CommandOutput => ({
    stdout,
    stderr,
    exitCode: 0,
    ...(files ? { files } : {}),
  });
  if (opts.json) {
    // The published contract: exactly {"results": [{"id", "verdict", "reason"}]}.
    const out = {
      results: results.map((r) => ({ id: r.id, verdict: r.verdict, reason: r.reason })),
    };
    return done(`${JSON.stringify(out, null, 2)}\n`);
  }
  if (opts.markdown) {
    const rows = results.map((r) => [r.id, r.verdict, decidedBy(r), r.reason]);
    return done(`${mdTable(['Probe', 'Verdict', 'Decided by', 'Reason'], rows)}\n`);
  }
  const rows = results.map((r) => [r.id, r.verdict.toUpperCase(), r.reason]);
  return done(`${table(['ID', 'VERDICT', 'REASON'], rows)}\n`);
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
  const results = probes.map((p) => engine.probe(p));
  const outcomes = probes.map((p, i) => outcomeOf(p, results[i]!));
  const passed = outcomes.filter((o) => o === 'pass').length;
  const failed = outcomes.filter((o) => o === 'fail' || o === 'error').length;
  const summary = `${passed} passed, ${failed} failed`;
  let stdout: string;
  if (opts.markdown) {
    const rows = probes.map((p, i) => {
      const r = results[i]!;
      const o = outcomes[i]!;
      return [
        OUTCOME_MARK[o],
        p.id,
        p.expect ?? '',
        r.verdict,
        decidedBy(r),
        o === 'fail' || o === 'error' ? r.reason : '',
      ];
    });
    stdout = `${mdTable(['Result', 'Probe', 'Expected', 'Verdict', 'Decided by', 'Why'], rows)}\n\n**${summary}**\n`;
  } else {
    const lines: string[] = [];
    probes.forEach((p, i) => {
      const r = results[i]!;
      switch (outcomes[i]!) {
        case 'skip':
          lines.push(`SKIP ${p.id}: no "expect" (verdict: ${r.verdict})`);
          break;
        case 'pass':
          if (!opts.json) lines.push(`ok   ${p.id}: ${r.verdict}`);
          break;
        default:
          lines.push(`FAIL ${p.id}: expected ${p.expect}, got ${r.verdict}\n     why: ${r.reason}`);
      }
    });
    lines.push(summary);
    stdout = `${lines.join('\n')}\n`;
  }
  return {
    stdout,
    stderr: errorLines(engine),
    exitCode: failed > 0 ? 1 : 0,
    ...(opts.junit
      ? { files: [{ path: opts.junit, text: junitReport('check', probeFile, results) }] }
      : {}),
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
  if (opts.csv) {
    const rows: (string | number)[][] = [];
    for (const src of pods) {
      const row = cells(src);
      columns.forEach((c, i) =>
        rows.push([
          name(src),
          name(c.dst),
          c.port.port,
          c.port.protocol,
          row[i] ? 'allowed' : 'denied',
        ]),
      );
    }
    return {
      stdout: csv(['from', 'to', 'port', 'protocol', 'verdict'], rows),
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
