/**
 * Terminal history kept in localStorage, one list per page. Storage may be missing or refuse
 * access (private windows, disabled cookies, quota): then history simply lasts for the visit.
 */

const PREFIX = 'netpol-playground:terminal-history:';
export const HISTORY_LIMIT = 500;

/** The subset of `Storage` used here, so tests can pass a stand-in. */
export type HistoryStorage = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStorage(): HistoryStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch (_) {
    // Reading `localStorage` itself throws when the browser blocks it.
    return undefined;
  }
}

/** The lines saved under `key`, oldest first; empty when there are none or they are unreadable. */
export function loadHistory(
  key: string,
  storage: HistoryStorage | undefined = defaultStorage(),
): string[] {
  if (!storage) return [];
  try {
    const raw = storage.getItem(PREFIX + key);
    if (raw === null) return [];
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((l): l is string => typeof l === 'string').slice(-HISTORY_LIMIT);
  } catch (_) {
    return [];
  }
}

/** Saves the last `HISTORY_LIMIT` lines under `key`; failures are ignored. */
export function saveHistory(
  key: string,
  lines: readonly string[],
  storage: HistoryStorage | undefined = defaultStorage(),
): void {
  if (!storage) return;
  try {
    storage.setItem(PREFIX + key, JSON.stringify(lines.slice(-HISTORY_LIMIT)));
  } catch (_) {
    // Quota exceeded or storage disabled.
  }
}
