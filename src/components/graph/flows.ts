/**
 * The flow table's arithmetic: filtering rows (newest first) and the window of rows a scrolled
 * viewport needs, so that only those are in the DOM. Pure, for tests.
 */
import type { FlowRow } from '../../sim/graph-types.ts';

export interface FlowFilter {
  /** Namespace or pod: `db` (a namespace or part of a pod name), `db/flask`, `world`. */
  endpoint: string;
  /** Exact verdict (`FORWARDED`, `DROPPED`, ...); empty for every verdict. */
  verdict: string;
  /** Any text of the row, case-insensitive. */
  text: string;
}

export const NO_FILTER: FlowFilter = { endpoint: '', verdict: '', text: '' };

export function isFilterEmpty(filter: FlowFilter): boolean {
  return filter.endpoint.trim() === '' && filter.verdict === '' && filter.text.trim() === '';
}

/**
 * Whether one endpoint of a flow (`db/postgres-0`, `world`, `api.github.com`) answers to a
 * token. With a slash the token is matched anywhere (`db/flask`); without one it names a
 * namespace exactly or part of a pod or host name (`db` matches `db/…` but not `dummy/…`).
 */
export function matchesEndpoint(endpoint: string, token: string): boolean {
  const e = endpoint.toLowerCase();
  const t = token.toLowerCase();
  if (t === '') return true;
  if (t.includes('/')) return e.includes(t);
  const slash = e.indexOf('/');
  if (slash < 0) return e.includes(t);
  return e.slice(0, slash) === t || e.slice(slash + 1).includes(t);
}

const haystacks = new WeakMap<FlowRow, string>();

/** All of a row's text in lower case, computed once per row. */
function haystack(row: FlowRow): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    text = [
      row.time,
      formatTime(row.time),
      row.source,
      row.destination,
      row.port === null ? '' : String(row.port),
      row.protocol,
      row.type,
      row.verdict,
      row.summary,
      ...row.policies,
    ]
      .join('\n')
      .toLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

/**
 * The rows that pass the filter, newest first (the input is oldest first). Every word of the
 * endpoint filter must match the source or the destination; the free text must appear as is.
 */
export function filterFlows(rows: readonly FlowRow[], filter: FlowFilter): FlowRow[] {
  const tokens = filter.endpoint.trim().split(/\s+/).filter(Boolean);
  const text = filter.text.trim().toLowerCase();
  const out: FlowRow[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (filter.verdict !== '' && row.verdict !== filter.verdict) continue;
    if (
      tokens.length > 0 &&
      !tokens.every((t) => matchesEndpoint(row.source, t) || matchesEndpoint(row.destination, t))
    )
      continue;
    if (text !== '' && !haystack(row).includes(text)) continue;
    out.push(row);
  }
  return out;
}

/** The distinct verdicts of the rows, sorted, for the verdict filter. */
export function verdictOptions(rows: readonly FlowRow[]): string[] {
  return [...new Set(rows.map((r) => r.verdict))].sort();
}

/** `09:00:01.250` from an RFC 3339 time; other text is returned unchanged. */
export function formatTime(time: string): string {
  const m = /T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(time);
  if (!m) return time;
  return `${m[1]}${m[2] ?? ''}`;
}

export function flowPort(row: Pick<FlowRow, 'port' | 'protocol'>): string {
  if (row.port === null) return row.protocol;
  return row.protocol ? `${row.port}/${row.protocol}` : String(row.port);
}

export interface VirtualWindow {
  /** First row rendered (inclusive). */
  start: number;
  /** Last row rendered (exclusive). */
  end: number;
  /** Space standing in for the rows above and below the window, in pixels. */
  padTop: number;
  padBottom: number;
}

/**
 * The rows a viewport of `viewportHeight` pixels scrolled to `scrollTop` shows, plus `overscan`
 * rows on each side so that scrolling does not reveal blank space before the next render.
 */
export function virtualWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): VirtualWindow {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.min(total, Math.max(0, first - overscan));
  const end = Math.min(total, Math.max(start, last + overscan));
  return { start, end, padTop: start * rowHeight, padBottom: (total - end) * rowHeight };
}

/** The scroll position that brings row `index` into view, or null if it is already visible. */
export function scrollToRow(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  headerHeight = 0,
): number | null {
  const rowTop = index * rowHeight;
  const visibleTop = scrollTop;
  const visibleBottom = scrollTop + viewportHeight - headerHeight;
  if (rowTop < visibleTop) return rowTop;
  if (rowTop + rowHeight > visibleBottom)
    return rowTop + rowHeight - (viewportHeight - headerHeight);
  return null;
}

/** How a verdict is coloured: passed, refused, or neither (audited, traced, unknown). */
export type VerdictTone = 'allowed' | 'denied' | 'other';

export function verdictTone(verdict: string): VerdictTone {
  const v = verdict.toUpperCase();
  if (v.startsWith('FORWARDED') || v.startsWith('ALLOWED') || v.startsWith('REDIRECTED'))
    return 'allowed';
  if (v.startsWith('DROPPED') || v.startsWith('DENIED') || v.startsWith('ERROR')) return 'denied';
  return 'other';
}
