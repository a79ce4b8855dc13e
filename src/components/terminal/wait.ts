/** How long a simulated wait (a connect timeout, `sleep 2`) is shown in real time. */

export interface WaitOptions {
  /** Real milliseconds shown per simulated millisecond; default 0.1. */
  scale?: number;
  /** Longest real wait in milliseconds; default 1500. */
  maxMs?: number;
}

/** Real milliseconds to wait for `elapsedMs` of simulated time; `'instant'` never waits. */
export function realWait(elapsedMs: number, wait: WaitOptions | 'instant' = {}): number {
  if (wait === 'instant' || !(elapsedMs > 0)) return 0;
  const scale = wait.scale ?? 0.1;
  const max = wait.maxMs ?? 1500;
  return Math.max(0, Math.min(elapsedMs * scale, max));
}
