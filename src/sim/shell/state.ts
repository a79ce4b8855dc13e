/**
 * The shell's mutable state: variables, where the learner is (the host or a container), history
 * and `$?`. The host speaks bash, containers speak busybox `sh`; error wording follows that.
 */
import type { PodLocation, ShellLocation, ShellState } from './types.ts';

export const HOST_PROMPT = '$ ';
/** Prompt of a non-root shell in a container. */
export const POD_PROMPT = '~ $ ';
/** Images whose shell runs as root and shows `/ # `, keyed by repository (no tag). */
export const DEFAULT_POD_PROMPTS: Readonly<Record<string, string>> = {
  // curlimages/curl runs as an unprivileged user, so it keeps the `~ $ ` prompt.
  busybox: '/ # ',
  alpine: '/ # ',
};

const MAX_HISTORY = 1000;

export interface ShellOptions {
  env?: Record<string, string>;
  location?: ShellLocation;
  hostPrompt?: string;
  /** Prompts per image repository (`nicolaka/netshoot`), over `DEFAULT_POD_PROMPTS`. */
  podPrompts?: Record<string, string>;
}

/** `docker.io/library/busybox:1.36@sha256:...` → `busybox`. */
export function imageRepository(image: string): string {
  let name = image.split('@')[0] ?? '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  const parts = name.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    parts.shift();
  }
  if (parts.length === 2 && parts[0] === 'library') parts.shift();
  return parts.join('/');
}

class Shell implements ShellState {
  env: Record<string, string>;
  location: ShellLocation;
  history: string[] = [];
  lastExitCode = 0;
  hostEnv?: Record<string, string>;
  private readonly hostPrompt: string;
  private readonly podPrompts: Record<string, string>;

  constructor(options: ShellOptions) {
    this.env = { ...options.env };
    this.location = options.location ?? { kind: 'host' };
    this.hostPrompt = options.hostPrompt ?? HOST_PROMPT;
    this.podPrompts = { ...DEFAULT_POD_PROMPTS, ...options.podPrompts };
  }

  prompt(): string {
    if (this.location.kind === 'host') return this.hostPrompt;
    return this.podPrompts[imageRepository(this.location.image)] ?? POD_PROMPT;
  }
}

export function createShell(options: ShellOptions = {}): ShellState {
  return new Shell(options);
}

/**
 * An independent copy for a subshell (`$(...)`, a pipeline stage): changes to its variables or
 * location do not reach the original. The prototype is kept so `prompt()` still works.
 */
export function cloneShell(shell: ShellState): ShellState {
  const copy = Object.create(Object.getPrototypeOf(shell) as object) as ShellState;
  Object.assign(copy, shell);
  copy.env = { ...shell.env };
  copy.history = [...shell.history];
  copy.location =
    shell.location.kind === 'pod'
      ? { ...shell.location, tools: [...shell.location.tools] }
      : { kind: 'host' };
  if (shell.hostEnv) copy.hostEnv = { ...shell.hostEnv };
  return copy;
}

/** Opens a shell in a container; the host's variables are put aside until `leavePod`. */
export function enterPod(
  shell: ShellState,
  pod: Omit<PodLocation, 'kind'>,
  env: Record<string, string> = {},
): void {
  if (shell.location.kind === 'host') shell.hostEnv = shell.env;
  shell.env = { ...env };
  shell.location = { kind: 'pod', ...pod };
}

/** Back to the host with its variables. */
export function leavePod(shell: ShellState): void {
  if (shell.location.kind === 'host') return;
  shell.env = shell.hostEnv ?? {};
  delete shell.hostEnv;
  shell.location = { kind: 'host' };
}

/** Adds a typed line to the history (blank lines are not kept). Call it before running the line. */
export function recordHistory(shell: ShellState, line: string): void {
  if (line.trim() === '') return;
  shell.history.push(line);
  if (shell.history.length > MAX_HISTORY)
    shell.history.splice(0, shell.history.length - MAX_HISTORY);
}

/** The name the shell reports errors under: `bash` on the host, `sh` in a container. */
export function shellName(shell: ShellState): 'bash' | 'sh' {
  return shell.location.kind === 'host' ? 'bash' : 'sh';
}
