/**
 * The source articles' command sequences replayed in the simulated terminal.
 *
 * Each folder under `fixtures/articles/` holds `setup.yaml` (the manifests that become the
 * cluster, files `kubectl apply -f` may read, the public DNS, the Cilium version), `commands.txt`
 * (one typed line each) and `transcript.golden` (what the terminal shows). The golden files are
 * reviewed by eye against the articles' own transcripts; `UPDATE_GOLDEN=1` rewrites them.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { CiliumVersion } from '../engine/types.ts';
import { readZone } from '../cli/shell.ts';
import { TerminalSession } from './session.ts';
import { SimWorld } from './world.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = join(ROOT, 'src', 'sim', 'fixtures', 'articles');

interface Setup {
  /** Manifests (paths from the repository root) loaded as the cluster. */
  manifests: string[];
  /** Files `kubectl apply -f NAME` can read, by the name the commands use. */
  workspace?: Record<string, string>;
  /** A YAML map of public names, or a probes file with `dns:`. */
  dns?: string;
  ciliumVersion?: CiliumVersion;
  /** Simulated start time. */
  start?: string;
}

function replay(name: string): string {
  const dir = join(DIR, name);
  const setup = parse(readFileSync(join(dir, 'setup.yaml'), 'utf8')) as Setup;
  const world = new SimWorld({
    files: setup.manifests.map((m) => ({ name: m, text: readFileSync(join(ROOT, m), 'utf8') })),
    zone: setup.dns ? readZone(join(ROOT, setup.dns)) : {},
    ...(setup.ciliumVersion ? { engine: { ciliumVersion: setup.ciliumVersion } } : {}),
    start: new Date(setup.start ?? '2026-03-02T09:00:00Z'),
  });
  for (const [as, path] of Object.entries(setup.workspace ?? {}))
    world.workspace.set(as, readFileSync(join(ROOT, path), 'utf8'));
  const lines = readFileSync(join(dir, 'commands.txt'), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return new TerminalSession(world).transcript(lines);
}

const articles = existsSync(DIR)
  ? readdirSync(DIR).filter((d) => existsSync(join(DIR, d, 'commands.txt')))
  : [];

describe('article transcripts', () => {
  test.each(articles)('%s', (name) => {
    const got = replay(name);
    const golden = join(DIR, name, 'transcript.golden');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, got);
    expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(
      true,
    );
    expect(got).toBe(readFileSync(golden, 'utf8'));
  });
});
