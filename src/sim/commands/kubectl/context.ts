/**
 * What every kubectl subcommand receives, and the error texts they share (kubectl's `checkErr`:
 * API errors as `Error from server (Reason): ...`, others as `error: ...`, exit code 1).
 */
import type {
  CommandContext,
  CommandRegistry,
  CommandResult,
  OutputChunk,
} from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import { Catalog } from './catalog.ts';
import { flagValue, type ParsedFlags } from './flags.ts';
import { resourceRef, type ResourceType } from './resources.ts';

/** Client-side settings kept across commands, as a kubeconfig would keep them. */
export interface KubeConfig {
  /** The current context's namespace (`kubectl config set-context --current --namespace`). */
  namespace: string;
}

const configs = new WeakMap<SimWorld, KubeConfig>();

export function kubeConfig(world: SimWorld): KubeConfig {
  let c = configs.get(world);
  if (!c) configs.set(world, (c = { namespace: 'default' }));
  return c;
}

/** The one context of the simulated kubeconfig, named the way kind names it. */
export const CONTEXT = 'kind-cilium';

export class Kctx {
  readonly world: SimWorld;
  readonly chunks: OutputChunk[] = [];
  elapsedMs = 0;
  flows: unknown[] = [];
  private snapshot: Catalog | undefined;

  constructor(
    readonly ctx: CommandContext<SimWorld>,
    readonly registry: CommandRegistry<SimWorld>,
    /** The subcommand's name as typed (for usage hints). */
    readonly command: string,
    readonly flags: ParsedFlags,
  ) {
    this.world = ctx.world;
  }

  /** The namespace from `-n`, else the kubeconfig's. */
  get namespace(): string {
    return flagValue(this.flags, 'namespace') ?? kubeConfig(this.world).namespace;
  }
  get explicitNamespace(): boolean {
    return flagValue(this.flags, 'namespace') !== undefined;
  }

  /** The API server's current view; call `refresh()` after changing the world. */
  get catalog(): Catalog {
    if (!this.snapshot) this.snapshot = new Catalog(this.world);
    return this.snapshot;
  }
  refresh(): void {
    this.snapshot = undefined;
  }

  out(text: string): void {
    if (text !== '') this.chunks.push({ stream: 'stdout', text });
  }
  err(text: string): void {
    if (text === '') return;
    this.chunks.push({ stream: 'stderr', text: text.endsWith('\n') ? text : `${text}\n` });
  }

  done(exitCode: number): CommandResult {
    return {
      out: this.chunks,
      exitCode,
      ...(this.elapsedMs > 0 ? { elapsedMs: this.elapsedMs } : {}),
      ...(this.flows.length > 0 ? { flows: this.flows } : {}),
    };
  }

  /** Prints `error: MESSAGE` and fails. */
  fail(message: string, code = 1): CommandResult {
    this.err(
      message.startsWith('error: ') || message.startsWith('Error from server')
        ? message
        : `error: ${message}`,
    );
    return this.done(code);
  }

  /** A usage error: the message, then where to find help. */
  usage(message: string): CommandResult {
    return this.fail(`${message}\nSee 'kubectl ${this.command} -h' for help and examples`);
  }
}

/** `Error from server (NotFound): pods "x" not found`. */
export function notFound(type: ResourceType, name: string): string {
  return `Error from server (NotFound): ${resourceRef(type)} "${name}" not found`;
}

/** Shell-style quoting of one word, for echoing commands back and re-running them. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
