import type { Command, CommandEntry, CommandRegistry, ShellState } from './types.ts';

class Registry<W> implements CommandRegistry<W> {
  private readonly byName = new Map<string, CommandEntry<W>>();

  register(name: string, help: string, run: Command<W>, options?: { builtin?: boolean }): this {
    this.byName.set(name, { name, help, run, builtin: options?.builtin ?? false });
    return this;
  }

  get(name: string): CommandEntry<W> | undefined {
    return this.byName.get(name);
  }

  entries(): CommandEntry<W>[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  resolve(name: string, shell: ShellState): CommandEntry<W> | undefined {
    const entry = this.byName.get(name);
    if (!entry) return undefined;
    const loc = shell.location;
    if (loc.kind === 'host' || entry.builtin || loc.tools.includes(name)) return entry;
    return undefined;
  }

  available(shell: ShellState): string[] {
    return this.entries()
      .filter((e) => this.resolve(e.name, shell))
      .map((e) => e.name);
  }

  complete(prefix: string, shell: ShellState): string[] {
    return this.available(shell).filter((n) => n.startsWith(prefix));
  }
}

/** An empty registry; add the shell's own commands with `registerBuiltins`. */
export function createRegistry<W>(): CommandRegistry<W> {
  return new Registry<W>();
}
