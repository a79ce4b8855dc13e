/**
 * A terminal session: one shell, the world it acts on, and the command registry. The browser's
 * terminal and the `shell` command line both drive one of these; it turns lines into output.
 */
import { registerCommands } from './commands/index.ts';
import { createShellRegistry } from './shell/builtins.ts';
import { runLine, type RunResult } from './shell/run.ts';
import { createShell, recordHistory } from './shell/state.ts';
import type { CommandRegistry, ShellState } from './shell/types.ts';
import type { SimWorld } from './world.ts';

/** The registry with every simulated tool. */
export function createRegistry(): CommandRegistry<SimWorld> {
  const registry = registerCommands(createShellRegistry<SimWorld>());
  // `sleep` lets simulated time pass, so background traffic runs meanwhile.
  const sleep = registry.get('sleep');
  if (sleep)
    registry.register(
      'sleep',
      sleep.help,
      (ctx) => {
        const r = sleep.run(ctx);
        if (r.exitCode === 0 && r.elapsedMs) ctx.world.advance(r.elapsedMs);
        return r;
      },
      { builtin: sleep.builtin },
    );
  return registry;
}

export class TerminalSession {
  readonly shell: ShellState;
  constructor(
    readonly world: SimWorld,
    readonly registry: CommandRegistry<SimWorld> = createRegistry(),
    shell?: ShellState,
  ) {
    this.shell = shell ?? createShell();
  }

  get prompt(): string {
    return this.shell.prompt();
  }

  /** Runs one typed line; commands move the world's clock themselves when they wait. */
  run(line: string): RunResult {
    if (line.trim() !== '') recordHistory(this.shell, line);
    return runLine(line, this.registry, this.world, this.shell);
  }

  /**
   * Runs lines and returns what a terminal would show: each prompt with its line, then the
   * output (stdout and stderr interleaved). With no output, the next prompt follows.
   */
  transcript(lines: readonly string[]): string {
    let text = '';
    for (const line of lines) {
      text += `${this.prompt}${line}\n`;
      const r = this.run(line);
      // Output without a final newline leaves the next prompt on its line, as in a terminal.
      for (const c of r.out) text += c.text;
    }
    return text;
  }
}
