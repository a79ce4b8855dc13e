/**
 * Scenario fixtures: one YAML file per scenario under `fixtures/scenarios/`, walked by one runner.
 *
 * A fixture is a multi-document YAML file. Every document is a manifest (cluster objects and
 * policies) except the one with a top-level `probes:` key, which holds the expectations:
 *
 * | key                | meaning                                                                 |
 * | ------------------ | ----------------------------------------------------------------------- |
 * | `probes`           | list of `{id, from, to, port, protocol?, expect, why?, versions?}`      |
 * | `diagnostics`      | list of `{code, line?, column?, path?, severity?, versions?}` expected  |
 * | `ciliumVersion`    | one version (`'1.16'`…) or a list; every probe runs under each          |
 *
 * The expectations document is blanked out (not removed) before loading, so line numbers in the
 * engine's diagnostics are the fixture file's own. Every error or warning the engine reports must
 * be listed under `diagnostics`, so a fixture cannot be broken by accident. `versions` on a probe
 * or diagnostic restricts it to those Cilium versions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Engine } from './engine.ts';
import type { Probe, ProbeResult } from './evaluate/probe.ts';
import type { CiliumVersion, Diagnostic, Protocol } from './types.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'scenarios');

/** One probe of a fixture. */
interface ProbeCase {
  id: string;
  from: string;
  to: string;
  port: number | string;
  protocol?: Protocol;
  expect: 'allowed' | 'denied';
  why?: string;
  versions?: string[];
}

/** One expected diagnostic. */
interface DiagnosticCase {
  code: string;
  line?: number;
  column?: number;
  path?: string;
  severity?: Diagnostic['severity'];
  versions?: string[];
}

interface Fixture {
  name: string;
  /** The manifests, with the expectations document blanked out. */
  text: string;
  versions: CiliumVersion[];
  probes: ProbeCase[];
  diagnostics: DiagnosticCase[];
}

const asList = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);

function readFixture(file: string): Fixture {
  const text = readFileSync(join(DIR, file), 'utf8');
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  const meta = list.find((d) => {
    if (d.errors.length > 0) return false;
    const v = d.toJS() as unknown;
    return typeof v === 'object' && v !== null && 'probes' in v;
  });
  if (!meta?.range) throw new Error(`${file}: no document with a top-level "probes:" key`);
  const spec = meta.toJS() as Record<string, unknown>;
  // Blank the expectations document, keeping newlines so every other line keeps its number.
  const [start, , end] = meta.range;
  const manifests =
    text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
  const versions = asList(spec.ciliumVersion ?? '1.18') as CiliumVersion[];
  const probes = ((spec.probes as ProbeCase[] | null) ?? []).map((p, i) => ({
    ...p,
    id: p.id ?? `probe-${i}`,
    protocol: p.protocol ?? 'TCP',
    ...(p.versions ? { versions: asList(p.versions) } : {}),
  }));
  const diagnostics = ((spec.diagnostics as DiagnosticCase[] | null) ?? []).map((d) => ({
    ...d,
    ...(d.versions ? { versions: asList(d.versions) } : {}),
  }));
  return { name: basename(file, '.yaml'), text: manifests, versions, probes, diagnostics };
}

const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map(readFixture);

const engines = new Map<string, Engine>();
function engineFor(f: Fixture, version: CiliumVersion): Engine {
  const key = `${f.name}@${version}`;
  let e = engines.get(key);
  if (!e) {
    e = new Engine({ ciliumVersion: version });
    e.load([{ name: `${f.name}.yaml`, text: f.text }]);
    engines.set(key, e);
  }
  return e;
}

function run(engine: Engine, p: ProbeCase): ProbeResult {
  const probe: Probe = { id: p.id, from: p.from, to: p.to, port: p.port };
  if (p.protocol) probe.protocol = p.protocol;
  const r = engine.probe(probe);
  expect(r.error, `probe could not be resolved: ${r.error}`).toBeUndefined();
  return r;
}

function context(p: ProbeCase, r: ProbeResult): string {
  return `${p.id}${p.why ? ` (${p.why})` : ''}: ${r.reason}`;
}

/** Asserts the probe is allowed. */
function expectAllowed(engine: Engine, p: ProbeCase): void {
  const r = run(engine, p);
  expect(r.verdict, context(p, r)).toBe('allowed');
}

/** Asserts the probe is denied. */
function expectDenied(engine: Engine, p: ProbeCase): void {
  const r = run(engine, p);
  expect(r.verdict, context(p, r)).toBe('denied');
}

function describeDiag(d: Diagnostic): string {
  return `${d.severity} ${d.code} at ${d.range.startLine}:${d.range.startColumn}${d.path ? ` (${d.path})` : ''}: ${d.message}`;
}

function diagMatches(d: Diagnostic, want: DiagnosticCase): boolean {
  return (
    d.code === want.code &&
    (want.line === undefined || d.range.startLine === want.line) &&
    (want.column === undefined || d.range.startColumn === want.column) &&
    (want.path === undefined || d.path === want.path) &&
    (want.severity === undefined || d.severity === want.severity)
  );
}

/** Asserts the engine reported a diagnostic that marks an input as invalid. */
function expectInvalid(engine: Engine, want: DiagnosticCase): void {
  const all = engine.diagnostics;
  const hit = all.find((d) => diagMatches(d, want));
  expect(
    hit,
    `expected ${JSON.stringify(want)}; got:\n${all.map(describeDiag).join('\n') || '(none)'}`,
  ).toBeDefined();
}

const forVersion = (v: CiliumVersion) => (c: { versions?: string[] }) =>
  !c.versions || c.versions.includes(v);

describe.each(fixtures)('$name', (f) => {
  describe.each(f.versions.map((v) => ({ version: v })))('Cilium $version', ({ version }) => {
    const probes = f.probes.filter(forVersion(version));
    const diagnostics = f.diagnostics.filter(forVersion(version));

    if (probes.length > 0)
      test.each(probes)('$id: $from → $to $port $protocol is $expect', (p) => {
        const engine = engineFor(f, version);
        if (p.expect === 'allowed') expectAllowed(engine, p);
        else if (p.expect === 'denied') expectDenied(engine, p);
        else throw new Error(`${p.id}: expect must be allowed or denied, not ${String(p.expect)}`);
      });

    if (diagnostics.length > 0)
      test.each(diagnostics)('reports $code at line $line $path', (d) => {
        expectInvalid(engineFor(f, version), d);
      });

    test('reports no other error or warning', () => {
      const unexpected = engineFor(f, version).diagnostics.filter(
        (d) => d.severity !== 'info' && !diagnostics.some((w) => diagMatches(d, w)),
      );
      expect(unexpected.map(describeDiag)).toEqual([]);
    });
  });
});
