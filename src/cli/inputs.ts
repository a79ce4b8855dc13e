/** Reading manifest and probe files for the command line. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Probe } from '../engine/evaluate/probe.ts';
import type { CiliumVersion, Protocol, SourceFile } from '../engine/types.ts';
import { CILIUM_VERSIONS } from '../engine/versions.ts';
import { parseFiles } from '../engine/yaml/documents.ts';

/** A problem with the command line's inputs; printed without a stack trace. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * The value of `--cilium-version`: `1.18`, `v1.18` and `1.18.3` all mean 1.18 (behaviour differs
 * by minor release only). `raw` is undefined when the option ended the command line.
 */
export function parseCiliumVersion(raw: string | undefined): CiliumVersion {
  const norm = raw?.replace(/^v/, '').split('.').slice(0, 2).join('.');
  const version = CILIUM_VERSIONS.find((v) => v === norm);
  if (!version)
    throw new InputError(`--cilium-version must be one of ${CILIUM_VERSIONS.join(', ')}`);
  return version;
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
  /** Where each probe is written, index for index with `probes`. */
  places: { file: string; line: number }[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads probes from one or more YAML files (`probes:` lists are concatenated). */
export function readProbes(files: readonly SourceFile[]): ProbeFile {
  const result: ProbeFile = { dns: {}, probes: [], places: [] };
  const parsed = parseFiles(files);
  const firstError = parsed.diagnostics.find((d) => d.severity === 'error');
  if (firstError) {
    const r = firstError.range;
    throw new InputError(`${r.file}:${r.startLine}:${r.startColumn}: ${firstError.message}`);
  }
  for (const obj of parsed.objects) {
    const v = obj.value;
    if (!isObj(v) || !('probes' in v)) continue;
    const at = (path: (string | number)[]) => {
      const r = obj.locate(path);
      return `${r.file}:${r.startLine}:${r.startColumn}`;
    };
    if (isObj(v.dns))
      for (const [name, ips] of Object.entries(v.dns))
        result.dns[name] = Array.isArray(ips) ? ips.map(String) : [String(ips)];
    if (!Array.isArray(v.probes)) throw new InputError(`${at(['probes'])}: probes must be a list`);
    v.probes.forEach((p: unknown, i: number) => {
      if (!isObj(p)) throw new InputError(`${at(['probes', i])}: a probe must be a mapping`);
      // A DNS probe goes to the cluster's DNS service unless it says otherwise.
      if (p.to === undefined && isObj(p.dns)) p.to = 'svc:kube-system/kube-dns';
      for (const k of ['from', 'to'] as const)
        if (typeof p[k] !== 'string')
          throw new InputError(
            `${at(['probes', i])}: probe "${k}" is required (namespace/pod, ip:A.B.C.D${k === 'to' ? ', svc:namespace/name or fqdn:name' : ''})`,
          );
      const id = p.id === undefined ? `probe-${result.probes.length + 1}` : String(p.id);
      if (p.expect !== undefined && p.expect !== 'allowed' && p.expect !== 'denied')
        throw new InputError(
          `${at(['probes', i, 'expect'])}: expect must be "allowed" or "denied"`,
        );
      if (p.port !== undefined && typeof p.port !== 'number' && typeof p.port !== 'string')
        throw new InputError(`${at(['probes', i, 'port'])}: port must be a number or a port name`);
      const protocol = p.protocol === undefined ? undefined : String(p.protocol).toUpperCase();
      if (protocol !== undefined && protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP')
        throw new InputError(`${at(['probes', i, 'protocol'])}: protocol must be TCP, UDP or SCTP`);
      result.probes.push({
        id,
        from: p.from as string,
        to: p.to as string,
        ...(p.port !== undefined ? { port: p.port as number | string } : {}),
        ...(protocol !== undefined ? { protocol: protocol as Protocol } : {}),
        ...(isObj(p.http) ? { http: p.http } : {}),
        ...(isObj(p.dns) ? { dns: p.dns } : {}),
        ...(isObj(p.kafka) ? { kafka: p.kafka } : {}),
        ...(p.expect !== undefined ? { expect: p.expect as 'allowed' | 'denied' } : {}),
      });
      const r = obj.locate(['probes', i]);
      result.places.push({ file: r.file, line: r.startLine });
    });
  }
  return result;
}

/** Whether a source file holds a probes document (a mapping with `probes:`). */
export function isProbeFile(f: SourceFile): boolean {
  return /^probes\s*:/m.test(f.text);
}

/** Whether a source file holds a background-traffic document (a mapping with `traffic:`). */
export function isTrafficFile(f: SourceFile): boolean {
  return /^traffic\s*:/m.test(f.text);
}

/** Probes and traffic files sit next to manifests but are not cluster objects. */
export function isSideFile(f: SourceFile): boolean {
  return isProbeFile(f) || isTrafficFile(f);
}
