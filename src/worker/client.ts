/**
 * Starts the playground worker from the page. Vite bundles the worker (and the engine with it) as
 * a separate file, so pages that do not call this never download the engine.
 */
import { wrap, type Remote } from 'comlink';
import type { PlaygroundApi } from './api.ts';

export interface PlaygroundWorker {
  api: Remote<PlaygroundApi>;
  /** Rejects if the worker script fails to load or throws outside a call; never resolves. */
  failed: Promise<never>;
  /** Stops the worker; the api must not be used afterwards. */
  terminate(): void;
}

export function startPlaygroundWorker(): PlaygroundWorker {
  const worker = new Worker(new URL('./playground.worker.ts', import.meta.url), {
    type: 'module',
    name: 'playground',
  });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(new Error(event.message || 'the playground worker failed to start'));
    });
  });
  // Nobody may be waiting on it; an unhandled rejection would only add noise to the console.
  failed.catch(() => {});
  return { api: wrap<PlaygroundApi>(worker), failed, terminate: () => worker.terminate() };
}
