/**
 * `lint <files...> [--json] [--cilium-version V]`: the policy doctor on the command line. The
 * manifests (cluster and policies together) are loaded as for every other command, then the
 * engine's lint rules run over them (src/engine/lint/, docs/lint.md).
 *
 * Text output is one `file:line:column: severity code: message` line per finding; `--json`
 * prints `{"warnings": [{"file", "line", "column", "code", "severity", "message"}]}`. Errors
 * that make a document not apply at all are validation's business: they go to stderr, as with
 * the other commands. Exit code 1 when there is a warning or error (notes of severity `info`
 * alone exit 0), 0 when the input is clean, 2 when nothing could be read.
 */
import { lint } from '../engine/lint/index.ts';
import { errorLines, makeEngine, type CommandOutput, type CommonOptions } from './commands.ts';
import { InputError, isSideFile, readSources } from './inputs.ts';

export function lintCommand(paths: string[], opts: CommonOptions): CommandOutput {
  const sources = readSources(paths).filter((f) => !isSideFile(f));
  if (sources.length === 0) throw new InputError('no manifest files given');
  const engine = makeEngine(sources, opts, false);
  const errors = engine.diagnostics.filter((d) => d.severity === 'error');
  const where = (d: (typeof errors)[number]) =>
    `${d.range.file}:${d.range.startLine}:${d.range.startColumn}`;
  // Checked here rather than by makeEngine: lint's message lists the errors without severity.
  if (engine.documentCount === 0)
    throw new InputError(
      [
        'nothing could be read from the manifests',
        ...errors.map((d) => `${where(d)}: ${d.message}`),
      ].join('\n'),
    );
  const warnings = lint(engine, sources);
  const stderr = errorLines(engine);
  const failing = errors.length > 0 || warnings.some((w) => w.severity !== 'info');
  const exitCode = failing ? 1 : 0;
  if (opts.json) {
    const out = {
      warnings: warnings.map((w) => ({
        file: w.file,
        line: w.line,
        column: w.column,
        code: w.code,
        severity: w.severity,
        message: w.message,
      })),
    };
    return { stdout: `${JSON.stringify(out, null, 2)}\n`, stderr, exitCode };
  }
  const stdout = warnings
    .map((w) => `${w.file}:${w.line}:${w.column}: ${w.severity} ${w.code}: ${w.message}\n`)
    .join('');
  return { stdout, stderr, exitCode };
}
