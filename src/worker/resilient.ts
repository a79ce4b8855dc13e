/**
 * The page's side of the worker boundary, made safe to use on every keystroke:
 *
 * - Latest wins: each `setFile` supersedes the ones before it; an answer to a superseded call is
 *   dropped, so the screen never goes back to an older state.
 * - Watchdog: a call that gets no answer within `timeoutMs` (1 s) means the worker is stuck (a
 *   pathological input, a bug). The worker is replaced by a fresh one, loaded with the last
 *   request and the current files; the last good state stays on screen and `onStatus` says what
 *   happened. Calls that are long by nature (imports, generated policies, lint) get a longer
 *   watchdog, and a call sent behind one of them starts counting only once it has answered.
 *
 * No DOM here: the backend factory is injected, so tests drive it with a fake.
 */
import type { FlowRow } from '../sim/graph-types.ts';
import type { EngineState, LoadRequest, PlaygroundApi, RunResponse, SentState } from './api.ts';

/** What the page needs of a started worker (see client.ts). */
export interface BackendHandle {
  api: {
    [K in keyof PlaygroundApi]: (
      ...args: Parameters<PlaygroundApi[K]>
    ) => Promise<ReturnType<PlaygroundApi[K]>> | ReturnType<PlaygroundApi[K]>;
  };
  terminate(): void;
}

export type WorkerStatus =
  { kind: 'ready' } | { kind: 'restarted'; reason: string } | { kind: 'failed'; reason: string };

export interface ResilientOptions {
  start(): BackendHandle;
  timeoutMs?: number;
  onState?(state: EngineState): void;
  onStatus?(status: WorkerStatus): void;
}

class Timeout extends Error {}

/**
 * The watchdog for calls that read or write a lot at once (imports, generated policies) or that
 * judge the whole cluster (lint).
 */
const BULK_TIMEOUT_MS = 15_000;

export class ResilientPlayground {
  private handle: BackendHandle;
  private readonly timeoutMs: number;
  private lastLoad: LoadRequest | null = null;
  /** The live files as the page last sent them, replayed into a replacement worker. */
  private files = new Map<string, string>();
  private generation = 0;
  private latestEdit = 0;
  /** Settles once the long calls (bulk watchdog) sent to the current worker have answered. */
  private longCalls: Promise<unknown> = Promise.resolve();
  /** The newest state shown, kept when a worker has to be replaced. */
  lastState: EngineState | null = null;
  /**
   * The newest flow rows received, by key. Every answer says which rows it stands for; one that
   * leaves them out stands for the rows the page named when asking, which are these: the worker
   * answers in order and a key, once replaced, never comes back.
   */
  private flowRows: { key: string; rows: FlowRow[] } | null = null;

  constructor(private readonly options: ResilientOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.handle = options.start();
  }

  private async call<T>(
    f: (api: BackendHandle['api']) => Promise<T> | T,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const generation = this.generation;
    // The worker answers in order: behind a long call, a call's watchdog starts once that is done.
    const ahead = this.longCalls;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const timeout = new Promise<never>((_, reject) => {
      void ahead.then(() => {
        if (!settled) timer = setTimeout(() => reject(new Timeout()), timeoutMs);
      });
    });
    const answer = Promise.race([Promise.resolve(f(this.handle.api)), timeout]);
    if (timeoutMs > this.timeoutMs) this.longCalls = Promise.allSettled([ahead, answer]);
    try {
      return await answer;
    } catch (err) {
      if (err instanceof Timeout && generation === this.generation)
        await this.replace(`the engine did not answer within ${timeoutMs} ms`);
      throw err;
    } finally {
      settled = true;
      clearTimeout(timer);
    }
  }

  /** Swaps in a fresh worker with the last request and files; the screen keeps its state. */
  private async replace(reason: string): Promise<void> {
    this.generation++;
    this.longCalls = Promise.resolve();
    this.handle.terminate();
    this.handle = this.options.start();
    try {
      // The last request, with the files as the page has them now.
      if (this.lastLoad)
        await this.handle.api.load({
          ...this.lastLoad,
          files: [...this.files].map(([name, text]) => ({ name, text })),
        });
      this.options.onStatus?.({ kind: 'restarted', reason });
    } catch (err) {
      this.options.onStatus?.({ kind: 'failed', reason: (err as Error).message });
    }
  }

  async load(request: LoadRequest): Promise<EngineState | null> {
    this.lastLoad = request;
    this.files = new Map(request.files.map((f) => [f.name, f.text]));
    await this.call((api) => api.load(request));
    return this.refresh();
  }

  /**
   * Sends an edit. Resolves to the new state, or to null when a newer edit superseded it or the
   * worker had to be replaced (the last good state then stays).
   */
  async setFile(
    name: string,
    text: string,
    steps?: Parameters<PlaygroundApi['setFile']>[2],
  ): Promise<EngineState | null> {
    const ticket = ++this.latestEdit;
    this.files.set(name, text);
    try {
      const have = this.flowRows?.key;
      const state = await this.withFlows(
        await this.call((api) => api.setFile(name, text, steps, have)),
      );
      if (ticket !== this.latestEdit) return null;
      return this.show(state);
    } catch (err) {
      if (err instanceof Timeout) return null;
      throw err;
    }
  }

  async run(line: string): Promise<RunResponse> {
    try {
      const response = await this.call((api) => api.run(line));
      void this.refresh();
      return response;
    } catch (err) {
      if (!(err instanceof Timeout)) throw err;
      return {
        out: [
          {
            stream: 'stderr',
            text: 'playground: the simulated cluster stopped answering and was restarted; try again\n',
          },
        ],
        exitCode: 1,
        elapsedMs: 0,
        prompt: '$ ',
      };
    }
  }

  async refresh(): Promise<EngineState | null> {
    const ticket = this.latestEdit;
    try {
      const have = this.flowRows?.key;
      const state = await this.withFlows(await this.call((api) => api.state(have)));
      if (ticket !== this.latestEdit) return null;
      return this.show(state);
    } catch (err) {
      if (err instanceof Timeout) return null;
      throw err;
    }
  }

  explain(...args: Parameters<PlaygroundApi['explain']>) {
    return this.call((api) => api.explain(...args));
  }

  /**
   * Reads an export of real flows into the world. A big file takes a while to read, so this
   * call has a longer watchdog than an edit.
   */
  async importFlows(text: string): Promise<{ imported: number; problems: string[] }> {
    const r = await this.call((api) => api.importFlows(text), BULK_TIMEOUT_MS);
    void this.refresh();
    return r;
  }

  generatePolicies(options?: Parameters<PlaygroundApi['generatePolicies']>[0]) {
    return this.call((api) => api.generatePolicies(options), BULK_TIMEOUT_MS);
  }

  explainFlow(seq: number) {
    return this.call((api) => api.explainFlow(seq));
  }

  explainProbe(probe: Parameters<PlaygroundApi['explainProbe']>[0]) {
    return this.call((api) => api.explainProbe(probe));
  }

  /**
   * The rules of a file with the flows each decided. Resolves to null when an edit arrived while
   * it was computed (its ranges would be stale) or the worker had to be replaced.
   */
  async ruleFlows(file: string): Promise<ReturnType<PlaygroundApi['ruleFlows']> | null> {
    const ticket = this.latestEdit;
    try {
      const lenses = await this.call((api) => api.ruleFlows(file));
      return ticket === this.latestEdit ? lenses : null;
    } catch (err) {
      if (err instanceof Timeout) return null;
      throw err;
    }
  }

  /**
   * The policy doctor's findings over the live files. On a large cluster this takes a while, so
   * it has the longer watchdog. Resolves to null when an edit arrived while it ran (its places
   * would be stale) or the worker had to be replaced.
   */
  async lint(): Promise<ReturnType<PlaygroundApi['lint']> | null> {
    const ticket = this.latestEdit;
    try {
      const findings = await this.call((api) => api.lint(), BULK_TIMEOUT_MS);
      return ticket === this.latestEdit ? findings : null;
    } catch (err) {
      if (err instanceof Timeout) return null;
      throw err;
    }
  }

  checks(steps: Parameters<PlaygroundApi['checks']>[0]) {
    return this.call((api) => api.checks(steps));
  }

  complete(line: string, cursor: number) {
    return this.call((api) => api.complete(line, cursor));
  }

  /** The state with its flow rows: those sent, or the ones the page has under that key. */
  private async withFlows(sent: SentState): Promise<EngineState> {
    const { flows, ...graph } = sent.graph;
    if (flows) this.flowRows = { key: graph.flowsKey, rows: flows };
    else if (this.flowRows?.key !== graph.flowsKey)
      // Not expected to happen; asking without a key brings every row.
      return this.withFlows(await this.call((api) => api.state()));
    return { ...sent, graph: { ...graph, flows: this.flowRows!.rows } };
  }

  private show(state: EngineState): EngineState {
    this.lastState = state;
    this.options.onState?.(state);
    return state;
  }

  dispose(): void {
    this.handle.terminate();
  }
}
