/**
 * Background traffic as data: a YAML document with a `traffic:` list of probes and how often they
 * repeat, read the same way by the `shell` command line and the browser.
 *
 * ```yaml
 * traffic:
 *   - every: 3s            # or 500ms, 1m; a bare number means seconds
 *     probe: { id: vote-bot, from: emojivoto/vote-bot, to: svc:emojivoto/web-svc, port: 80,
 *              http: { path: "/api/vote?choice=:joy:" } }
 * ```
 */
import { parseAllDocuments } from 'yaml';
import type { Probe } from '../engine/evaluate/probe.ts';
import type { TrafficSource } from './world.ts';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `3s`, `500ms`, `1m`, `2` (seconds) → seconds; null when unreadable or not positive. */
export function periodSeconds(v: unknown): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(String(v));
  if (!m) return null;
  const n = (Number(m[1]) / (m[2] === 'ms' ? 1000 : 1)) * (m[2] === 'm' ? 60 : 1);
  return n > 0 ? n : null;
}

/** Reads every `traffic:` list of a text; problems are returned, never thrown. */
export function readTraffic(text: string): { sources: TrafficSource[]; problems: string[] } {
  const sources: TrafficSource[] = [];
  const problems: string[] = [];
  const docs = parseAllDocuments(text);
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length > 0) {
      problems.push(doc.errors[0]!.message.split('\n')[0]!);
      continue;
    }
    const v = doc.toJS() as unknown;
    if (!isObj(v) || !('traffic' in v)) continue;
    if (!Array.isArray(v.traffic)) {
      problems.push('traffic must be a list');
      continue;
    }
    v.traffic.forEach((t: unknown, i: number) => {
      if (!isObj(t) || !isObj(t.probe)) {
        problems.push(`traffic[${i}]: needs a probe`);
        return;
      }
      const every = periodSeconds(t.every ?? t.everySeconds ?? 5);
      const p = t.probe;
      if (every === null || typeof p.from !== 'string' || typeof p.to !== 'string') {
        problems.push(`traffic[${i}]: needs every (like 3s) and a probe with from and to`);
        return;
      }
      sources.push({
        everySeconds: every,
        probe: { id: typeof p.id === 'string' ? p.id : `traffic-${i + 1}`, ...p } as Probe,
      });
    });
  }
  return { sources, problems };
}
