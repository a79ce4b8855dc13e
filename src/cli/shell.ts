/**
 * `shell <manifests...> [--script FILE] [--dns FILE]`: the simulated terminal from Node. The
 * manifests become the cluster, each line of the script (or of standard input) is typed at the
 * prompt, and the transcript — prompts, commands and both output streams in the order a terminal
 * shows them — goes to standard output, exactly as the browser terminal would show it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { PublicZone } from '../engine/dns/resolver.ts';
import type { CiliumVersion } from '../engine/types.ts';
import { TerminalSession } from '../sim/session.ts';
import { SimWorld } from '../sim/world.ts';
import { InputError, isSideFile, isTrafficFile, readSources } from './inputs.ts';
import { readTraffic } from '../sim/traffic.ts';

/** Public names the simulated Internet has when no `--dns` file is given. */
export const DEFAULT_PUBLIC_ZONE: PublicZone = {
  'api.github.com': ['140.82.112.6'],
  'github.com': ['140.82.112.4'],
  'www.github.com': ['140.82.112.3'],
  'example.com': ['93.184.215.14'],
  'www.example.com': ['93.184.215.14'],
  'www.google.com': ['142.250.74.68'],
  'google.com': ['142.250.74.78'],
  'httpbin.org': ['54.243.20.1'],
  'registry.npmjs.org': ['104.16.30.34'],
  'pypi.org': ['151.101.0.223'],
};

export interface ShellIo {
  /** Reads standard input when no script file is given. */
  readStdin(): string;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`${path}: no such file or directory`);
  }
}

/** Reads a `--dns` file: a YAML map of name → addresses (or a probes file's `dns:` map). */
export function readZone(path: string): PublicZone {
  let doc: unknown;
  try {
    doc = parse(readText(path));
  } catch (err) {
    throw new InputError(`${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const map =
    typeof doc === 'object' && doc !== null && 'dns' in doc ? (doc as { dns: unknown }).dns : doc;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new InputError(
      `${path}: expected a map of name to addresses, e.g. "api.github.com: [140.82.112.6]"`,
    );
  const zone: Record<string, string[]> = {};
  for (const [name, ips] of Object.entries(map as Record<string, unknown>))
    zone[name] = Array.isArray(ips) ? ips.map(String) : [String(ips)];
  return zone;
}

export function shell(
  manifests: string[],
  opts: { script?: string; dns?: string; traffic?: string[]; version?: CiliumVersion },
  io: ShellIo,
): { stdout: string; stderr: string; exitCode: number } {
  const all = readSources(manifests);
  const sources = all.filter((f) => !isSideFile(f));
  // Traffic files among the manifests (or given with --traffic) run in the background.
  const trafficFiles = [...all.filter(isTrafficFile), ...readSources(opts.traffic ?? [])];
  const traffic = trafficFiles.flatMap((f) => {
    const t = readTraffic(f.text);
    if (t.problems.length > 0) throw new InputError(`${f.name}: ${t.problems[0]}`);
    return t.sources;
  });
  const zone = opts.dns ? readZone(opts.dns) : DEFAULT_PUBLIC_ZONE;
  const world = new SimWorld({
    files: sources,
    zone,
    traffic,
    ...(opts.version ? { engine: { ciliumVersion: opts.version } } : {}),
  });
  world.readLocalFile = (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const text = opts.script ? readText(opts.script) : io.readStdin();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const session = new TerminalSession(world);
  return {
    stdout: session.transcript(lines.map((l) => l.replace(/\r$/, ''))),
    stderr: '',
    exitCode: 0,
  };
}
