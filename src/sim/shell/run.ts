/**
 * Runs a parsed line: sequences, `&&`/`||`, pipelines, command substitution, redirections and
 * `$?`. Pipeline stages and `$(...)` run in copies of the shell, as subshells do, so `exit` or a
 * variable set there does not reach the learner's shell. A command that moves the shell (into a
 * pod or back out) ends the line: what follows was typed for the shell that was left.
 */
import { ExpansionTooLarge, expandFields, expandString, type Expander } from './expand.ts';
import {
  formatParseError,
  parse,
  SYNTAX_ERROR_EXIT,
  type AndOr,
  type Pipeline,
  type Script,
  type SimpleCommand,
} from './parse.ts';
import { cloneShell, shellName } from './state.ts';
import type {
  CommandRegistry,
  CommandResult,
  OutputChunk,
  ShellState,
  Stream,
  UiEffect,
} from './types.ts';

export interface RunResult {
  out: OutputChunk[];
  exitCode: number;
  /** Simulated time the line took. */
  elapsedMs: number;
  flows: unknown[];
  /** What the commands asked of the user interface, in order. */
  effects: UiEffect[];
}

/** Exit code of an unknown command. */
export const NOT_FOUND_EXIT = 127;

type Sink = Stream | 'null';

interface Exec<W> {
  registry: CommandRegistry<W>;
  world: W;
  emit: (chunk: OutputChunk) => void;
  totals: { elapsedMs: number; flows: unknown[]; effects: UiEffect[] };
  /** Set when the shell changed location: the rest of this script is not run. */
  stopped: boolean;
}

/**
 * Runs one line typed at the prompt against `shell` (which it updates: variables, location,
 * `$?`). The caller records the line in the history first. Never throws.
 */
export function runLine<W>(
  line: string,
  registry: CommandRegistry<W>,
  world: W,
  shell: ShellState,
): RunResult {
  const out: OutputChunk[] = [];
  const totals = { elapsedMs: 0, flows: [] as unknown[], effects: [] as UiEffect[] };
  const finish = (exitCode: number): RunResult => {
    shell.lastExitCode = exitCode;
    return {
      out,
      exitCode,
      elapsedMs: totals.elapsedMs,
      flows: totals.flows,
      effects: totals.effects,
    };
  };
  const parsed = parse(line);
  if (!parsed.ok) {
    out.push({ stream: 'stderr', text: formatParseError(parsed.error, shellName(shell)) });
    return finish(SYNTAX_ERROR_EXIT);
  }
  const ex: Exec<W> = { registry, world, emit: (c) => out.push(c), totals, stopped: false };
  try {
    return finish(runScript(parsed.script, shell, ex));
  } catch (e) {
    const what = e instanceof ExpansionTooLarge ? 'out of memory' : 'internal error';
    out.push({ stream: 'stderr', text: `${shellName(shell)}: ${what}\n` });
    return finish(SYNTAX_ERROR_EXIT);
  }
}

function runScript<W>(script: Script, shell: ShellState, ex: Exec<W>): number {
  let status = shell.lastExitCode;
  for (const item of script.items) {
    if (ex.stopped) break;
    status = runAndOr(item, shell, ex);
  }
  return status;
}

function runAndOr<W>(item: AndOr, shell: ShellState, ex: Exec<W>): number {
  let status = runPipeline(item.first, shell, ex);
  for (const { op, pipeline } of item.rest) {
    if (ex.stopped) break;
    if ((op === '&&') === (status === 0)) status = runPipeline(pipeline, shell, ex);
  }
  return status;
}

function runPipeline<W>(pipeline: Pipeline, shell: ShellState, ex: Exec<W>): number {
  const { commands } = pipeline;
  let status: number;
  if (commands.length === 1) {
    status = runSimple(commands[0]!, shell, ex, '');
  } else {
    // Stages run side by side in a real shell: the pipeline takes as long as its slowest stage.
    const start = ex.totals.elapsedMs;
    let slowest = 0;
    let stdin = '';
    status = 0;
    commands.forEach((cmd, i) => {
      const last = i === commands.length - 1;
      let piped = '';
      const stage: Exec<W> = {
        ...ex,
        stopped: false,
        emit: last ? ex.emit : (c) => (c.stream === 'stdout' ? (piped += c.text) : ex.emit(c)),
      };
      const before = ex.totals.elapsedMs;
      status = runSimple(cmd, cloneShell(shell), stage, stdin);
      slowest = Math.max(slowest, ex.totals.elapsedMs - before);
      stdin = piped;
    });
    ex.totals.elapsedMs = start + slowest;
  }
  shell.lastExitCode = status;
  return status;
}

function specialParam(name: string, shell: ShellState): string | undefined {
  switch (name) {
    case '?':
      return String(shell.lastExitCode);
    case '$':
      return '1';
    case '#':
      return '0';
    case '0':
      return shellName(shell);
    default:
      return /^[0-9@*!-]/.test(name) ? '' : undefined;
  }
}

function runSimple<W>(cmd: SimpleCommand, shell: ShellState, ex: Exec<W>, stdin: string): number {
  let substStatus: number | undefined;
  const expander: Expander = {
    param: (name) => specialParam(name, shell) ?? shell.env[name],
    substitute: (script) => {
      let captured = '';
      const inner: Exec<W> = {
        ...ex,
        stopped: false,
        emit: (c) => (c.stream === 'stdout' ? (captured += c.text) : ex.emit(c)),
      };
      substStatus = runScript(script, cloneShell(shell), inner);
      return captured.replace(/\n+$/, '');
    },
  };
  const argv = cmd.words.flatMap((w) => expandFields(w, expander));
  const redirects = cmd.redirects.map((r) => ({ ...r, target: expandString(r.target, expander) }));
  const assignments = cmd.assignments.map((a) => ({
    name: a.name,
    value: expandString(a.value, expander),
  }));

  const sh = shellName(shell);
  const sinks: Record<number, Sink> = { 1: 'stdout', 2: 'stderr' };
  const emit = (chunks: readonly OutputChunk[]): void => {
    for (const c of chunks) {
      const sink = sinks[c.stream === 'stdout' ? 1 : 2];
      if (c.text !== '' && sink && sink !== 'null') ex.emit({ stream: sink, text: c.text });
    }
  };
  const refuse = (message: string): number => {
    ex.emit({ stream: 'stderr', text: `${sh}: ${message}\n` });
    return 1;
  };

  for (const r of redirects) {
    const t = r.target;
    if (r.op === '<') {
      if (t !== '/dev/null') {
        return refuse(
          sh === 'sh'
            ? `can't open '${t}': No such file or directory`
            : `${t}: No such file or directory`,
        );
      }
      stdin = '';
    } else if (r.op === '<&') {
      continue;
    } else if (r.op === '>&' && /^[0-9]+$/.test(t)) {
      const to = sinks[Number(t)];
      if (!to) return refuse(`${t}: Bad file descriptor`);
      sinks[r.fd] = to;
    } else if (r.op === '>&' && t === '-') {
      sinks[r.fd] = 'null';
    } else {
      const sink = fileSink(t);
      if (!sink) {
        return refuse(
          sh === 'sh' ? `can't create ${t}: Read-only file system` : `${t}: Read-only file system`,
        );
      }
      const both = r.op === '&>' || r.op === '>&';
      sinks[r.fd] = sink;
      if (both) sinks[2] = sink;
    }
  }

  if (argv.length === 0) {
    for (const a of assignments) shell.env[a.name] = a.value;
    return substStatus ?? 0;
  }

  const name = argv[0]!;
  const entry = ex.registry.resolve(name, shell);
  if (!entry) {
    const text = sh === 'sh' ? `sh: ${name}: not found\n` : `bash: ${name}: command not found\n`;
    emit([{ stream: 'stderr', text }]);
    return NOT_FOUND_EXIT;
  }

  const env = shell.env;
  const saved = assignments.map((a) => [a.name, env[a.name]] as const);
  for (const a of assignments) env[a.name] = a.value;
  const location = shell.location;
  let result: CommandResult;
  try {
    result = entry.run({ world: ex.world, shell, argv, stdin });
  } catch (e) {
    result = {
      out: [
        {
          stream: 'stderr',
          text: `${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`,
        },
      ],
      exitCode: 1,
    };
  }
  for (const [k, v] of saved) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (shell.location !== location) ex.stopped = true;

  emit(result.out);
  const ms = result.elapsedMs;
  if (ms !== undefined && Number.isFinite(ms) && ms > 0) ex.totals.elapsedMs += ms;
  if (result.flows) ex.totals.flows.push(...result.flows);
  if (result.effects) ex.totals.effects.push(...result.effects);
  return exitStatus(result.exitCode);
}

function fileSink(path: string): Sink | null {
  if (path === '/dev/null') return 'null';
  if (path === '/dev/stdout') return 'stdout';
  if (path === '/dev/stderr') return 'stderr';
  return null;
}

/** Exit statuses are 0..255, as `exit 300` giving 44 shows. */
function exitStatus(code: number): number {
  if (!Number.isInteger(code)) return 1;
  return ((code % 256) + 256) % 256;
}
