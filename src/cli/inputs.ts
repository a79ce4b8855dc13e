/** Reading manifest and probe files for the command line. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Probe } from '../engine/evaluate/probe.ts';
import type { SourceFile } from '../engine/types.ts';

/** A problem with the command line's inputs; printed without a stack trace. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/** Expands files and directories (recursively, YAML and JSON files) into source files. */
export function readSources(paths: readonly string[]): SourceFile[] {
  const out: SourceFile[] = [];
  const visit = (p: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        const child = join(p, e);
        if (statSync(child).isDirectory() || MANIFEST_EXT.test(e)) visit(child, false);
      }
      return;
    }
    if (!explicit && !MANIFEST_EXT.test(p)) return;
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch (err) {
      throw new InputError(`${p}: cannot read: ${(err as Error).message}`);
    }
    out.push({ name: p, text });
  };
  for (const p of paths) visit(p, true);
  return out;
}

/** A probes file: probes plus an optional simulated public DNS. */
export interface ProbeFile {
  dns: Record<string, string[]>;
  probes: Probe[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads probes from one or more YAML files (`probes:` lists are concatenated). */
export function readProbes(files: readonly SourceFile[]): ProbeFile {
  const result: ProbeFile = { dns: {}, probes: [] };
  for (const f of files) {
    const docs = parseAllDocuments(f.text);
    const list = Array.isArray(docs) ? docs : [];
    for (const doc of list) {
      if (doc.errors.length > 0) {
        const e = doc.errors[0]!;
        const line = e.linePos?.[0];
        throw new InputError(
          `${f.name}:${line?.line ?? 1}:${line?.col ?? 1}: ${e.message.split('\n')[0]}`,
        );
      }
      const v: unknown = doc.toJS();
      if (v === null || v === undefined) continue;
      if (!isObj(v) || !('probes' in v)) continue;
      if (isObj(v.dns))
        for (const [name, ips] of Object.entries(v.dns))
          result.dns[name] = Array.isArray(ips) ? ips.map(String) : [String(ips)];
      if (!Array.isArray(v.probes)) throw new InputError(`${f.name}: probes must be a list`);
      v.probes.forEach((p, i) => {
        const where = `${f.name}: probes[${i}]`;
        if (!isObj(p)) throw new InputError(`${where}: a probe must be a mapping`);
        for (const k of ['from', 'to'] as const)
          if (typeof p[k] !== 'string')
            throw new InputError(
              `${where}: "${k}" is required (namespace/pod, ip:, svc: or fqdn:)`,
            );
        const id = p.id === undefined ? `probe-${result.probes.length + 1}` : String(p.id);
        if (p.expect !== undefined && p.expect !== 'allowed' && p.expect !== 'denied')
          throw new InputError(`${where}: expect must be "allowed" or "denied"`);
        const protocol = p.protocol === undefined ? undefined : String(p.protocol).toUpperCase();
        result.probes.push({
          id,
          from: p.from as string,
          to: p.to as string,
          ...(p.port !== undefined ? { port: p.port as number | string } : {}),
          ...(protocol !== undefined ? { protocol: protocol as Probe['protocol'] & string } : {}),
          ...(isObj(p.http) ? { http: p.http } : {}),
          ...(isObj(p.dns) ? { dns: p.dns } : {}),
          ...(isObj(p.kafka) ? { kafka: p.kafka } : {}),
          ...(p.expect !== undefined ? { expect: p.expect as 'allowed' | 'denied' } : {}),
        });
      });
    }
  }
  return result;
}

/** Whether a source file holds a probes document (a mapping with `probes:`). */
export function isProbeFile(f: SourceFile): boolean {
  return /^probes\s*:/m.test(f.text);
}
