/**
 * The embed's postMessage protocol. Every message carries `source: 'netpol-playground'`.
 *
 * Host → embed: `load-scenario {id}`, `set-file {name, text}`, `run {command}`.
 * Embed → host: `ready`, `height {height}`, `state {revision, errors, allowed, denied}` after
 * every change, `output {command, text, exitCode}` after `run`, and `error {message}` for a
 * request it could not do. Messages from origins that are not allowed are ignored.
 */
export const SOURCE = 'netpol-playground';

export type HostMessage =
  | { source: typeof SOURCE; type: 'load-scenario'; id: string }
  | { source: typeof SOURCE; type: 'set-file'; name: string; text: string }
  | { source: typeof SOURCE; type: 'run'; command: string };

export type EmbedMessage =
  | { source: typeof SOURCE; type: 'ready' }
  | { source: typeof SOURCE; type: 'height'; height: number }
  | {
      source: typeof SOURCE;
      type: 'state';
      revision: number;
      errors: number;
      allowed: number;
      denied: number;
    }
  | { source: typeof SOURCE; type: 'output'; command: string; text: string; exitCode: number }
  | { source: typeof SOURCE; type: 'error'; message: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a message from the host; null for anything that is not a well-formed request. */
export function readHostMessage(data: unknown): HostMessage | null {
  if (!isObj(data) || data.source !== SOURCE) return null;
  if (data.type === 'load-scenario' && typeof data.id === 'string')
    return { source: SOURCE, type: 'load-scenario', id: data.id };
  if (data.type === 'set-file' && typeof data.name === 'string' && typeof data.text === 'string')
    return { source: SOURCE, type: 'set-file', name: data.name, text: data.text };
  if (data.type === 'run' && typeof data.command === 'string')
    return { source: SOURCE, type: 'run', command: data.command };
  return null;
}

/**
 * Which origins may talk to the embed: its own, plus those listed in the `origins` query
 * parameter (comma-separated, exact `scheme://host[:port]`). `*` is not accepted.
 */
export function allowedOrigins(selfOrigin: string, param: string | null): Set<string> {
  const out = new Set([selfOrigin]);
  for (const o of (param ?? '').split(',').map((s) => s.trim()))
    if (/^https?:\/\/[^/\s]+$/.test(o)) out.add(o);
  return out;
}

/** Embed configuration from the query string. */
export interface EmbedConfig {
  scenario: string | null;
  panes: Set<'editor' | 'terminal' | 'graph'>;
  readOnly: boolean;
  theme: 'light' | 'dark' | null;
}

export function readConfig(search: string): EmbedConfig {
  const q = new URLSearchParams(search);
  const panes = new Set<'editor' | 'terminal' | 'graph'>();
  for (const p of (q.get('panes') ?? 'editor,terminal,graph').split(','))
    if (p === 'editor' || p === 'terminal' || p === 'graph') panes.add(p);
  if (panes.size === 0) panes.add('terminal');
  const theme = q.get('theme');
  return {
    scenario: q.get('scenario'),
    panes,
    readOnly: q.get('readonly') === '1' || q.get('readonly') === 'true',
    theme: theme === 'light' || theme === 'dark' ? theme : null,
  };
}
