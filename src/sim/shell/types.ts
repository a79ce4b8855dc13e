/**
 * The contract between the simulated shell and the tools it runs. Every tool (kubectl, curl, nc,
 * hubble, grep ...) is a pure function from a `CommandContext` to a `CommandResult`; the shell
 * owns parsing, expansion, pipes and exit codes. `W` is the simulated world (cluster, engine,
 * clock); the shell never looks inside it.
 */

export type Stream = 'stdout' | 'stderr';

/** One piece of output, in the order a terminal would show it. */
export interface OutputChunk {
  stream: Stream;
  text: string;
}

export interface CommandResult {
  /** Ordered stdout/stderr chunks, so a transcript interleaves them as a terminal would. */
  out: OutputChunk[];
  exitCode: number;
  /** Simulated time the command took (a connect timeout, `sleep 2`), never real time. */
  elapsedMs?: number;
  /** Records the engine produced while answering (typed by the engine's callers). */
  flows?: unknown[];
  /** Requests to the page around the terminal, e.g. to show the flow graph. */
  effects?: UiEffect[];
}

/** Something a command asks the user interface to do (ignored where there is none). */
export type UiEffect = { kind: 'open-panel'; panel: 'flow-graph' };

export interface HostLocation {
  kind: 'host';
}

/** A shell inside a container (`kubectl exec -it POD -- sh`). */
export interface PodLocation {
  kind: 'pod';
  namespace: string;
  pod: string;
  container?: string;
  image: string;
  /** The programs the image ships; shell built-ins exist regardless. */
  tools: string[];
}

export type ShellLocation = HostLocation | PodLocation;

export interface ShellState {
  /** Shell variables; there is no distinction between exported and local ones. */
  env: Record<string, string>;
  location: ShellLocation;
  /** Lines as typed, oldest first. */
  history: string[];
  /** `$?` */
  lastExitCode: number;
  /** The host's variables while a pod shell is open (restored by `exit`). */
  hostEnv?: Record<string, string>;
  prompt(): string;
}

export interface CommandContext<W> {
  world: W;
  shell: ShellState;
  /** argv[0] is the command name. */
  argv: string[];
  stdin: string;
}

export type Command<W> = (ctx: CommandContext<W>) => CommandResult;

export interface CommandEntry<W> {
  name: string;
  run: Command<W>;
  /** First line: the summary `help` lists; the rest is shown by `help NAME`. */
  help: string;
  /** Shell built-ins exist everywhere; programs exist in a pod only if its image ships them. */
  builtin: boolean;
}

export interface CommandRegistry<W> {
  register(name: string, help: string, run: Command<W>, options?: { builtin?: boolean }): this;
  get(name: string): CommandEntry<W> | undefined;
  /** Every registered command, sorted by name. */
  entries(): CommandEntry<W>[];
  /** The command if it exists where the shell currently is. */
  resolve(name: string, shell: ShellState): CommandEntry<W> | undefined;
  /** Names that exist where the shell is, sorted: the list Tab completion offers. */
  available(shell: ShellState): string[];
  /** Available names starting with `prefix`. */
  complete(prefix: string, shell: ShellState): string[];
}

/** A stdout chunk. */
export function out(text: string): OutputChunk {
  return { stream: 'stdout', text };
}

/** A stderr chunk. */
export function err(text: string): OutputChunk {
  return { stream: 'stderr', text };
}

/** Success with `text` on stdout (nothing when empty). */
export function ok(text = ''): CommandResult {
  return { out: text === '' ? [] : [out(text)], exitCode: 0 };
}

/** Failure with `text` on stderr; a missing final newline is added. */
export function fail(text: string, code = 1): CommandResult {
  const line = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return { out: line === '' ? [] : [err(line)], exitCode: code };
}

/** Concatenated text of one stream. */
export function streamText(chunks: readonly OutputChunk[], stream: Stream): string {
  let s = '';
  for (const c of chunks) if (c.stream === stream) s += c.text;
  return s;
}
