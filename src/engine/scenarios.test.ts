/**
 * Scenario fixtures: one YAML file per scenario under `fixtures/scenarios/`, walked by one runner.
 *
 * A fixture is a multi-document YAML file. Every document is a manifest (cluster objects and
 * policies) except the one with a top-level `probes:` key, which holds the expectations:
 *
 * | key                     | meaning                                                            |
 * | ----------------------- | ------------------------------------------------------------------ |
 * | `probes`                | list of `{id, from, to, port, protocol?, expect, why?, versions?}` |
 * | `diagnostics`           | list of `{code, line?, column?, path?, severity?, versions?}`      |
 * | `ciliumVersion`         | one version (`'1.16'`…) or a list; every probe runs under each     |
 * | `dns`                   | the public DNS zone `{name: [ips]}` for `dns:` and `fqdn:` probes  |
 * | `dnsRejectResponseCode` | `refused` (default) or `nameError`, as the agent flag              |
 *
 * The expectations document is blanked out (not removed) before loading, so line numbers in the
 * engine's diagnostics are the fixture file's own. Every error or warning the engine reports must
 * be listed under `diagnostics`, so a fixture cannot be broken by accident. `versions` on a probe
 * or diagnostic restricts it to those Cilium versions.
 *
 * A probe may also make an L7 request inside its connection: `http: {method, path, host, headers}`
 * (headers as a `Name: value` mapping), `dns: {query, type}` (sent to kube-dns) or
 * `kafka: {apiKey, topic, clientID, apiVersion}`; `to: fqdn:name` looks the name up first. The
 * optional `reason` is a regular expression the probe's reason must match, which tells an L7
 * refusal ("403 by proxy", "REFUSED by the DNS proxy", "refused by proxy") from an L3/L4 drop
 * ("dropped at L3/L4").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Engine } from './engine.ts';
import type { Probe, ProbeResult } from './evaluate/probe.ts';
import type { PublicZone } from './dns/resolver.ts';
import type { CiliumVersion, Diagnostic, EngineOptions, Protocol } from './types.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'scenarios');

/** One probe of a fixture. */
interface ProbeCase {
  id: string;
  from: string;
  to: string;
  port?: number | string;
  protocol?: Protocol;
  http?: Record<string, unknown>;
  dns?: Record<string, unknown>;
  kafka?: Record<string, unknown>;
  expect: 'allowed' | 'denied';
  /** A regular expression the probe's reason must match. */
  reason?: string;
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
  /** The public DNS zone probes resolve names against. */
  zone: PublicZone;
  dnsRejectResponseCode?: EngineOptions['dnsRejectResponseCode'];
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
  const zone: Record<string, string[]> = {};
  const dns = spec.dns as Record<string, unknown> | null | undefined;
  if (dns !== undefined && dns !== null) {
    if (typeof dns !== 'object' || Array.isArray(dns))
      throw new Error(`${file}: dns must map names to lists of addresses`);
    for (const [k, v] of Object.entries(dns)) zone[k] = asList(v);
  }
  const reject = spec.dnsRejectResponseCode;
  if (reject !== undefined && reject !== 'refused' && reject !== 'nameError')
    throw new Error(`${file}: dnsRejectResponseCode must be refused or nameError`);
  return {
    name: basename(file, '.yaml'),
    text: manifests,
    versions,
    probes,
    diagnostics,
    zone,
    ...(reject !== undefined ? { dnsRejectResponseCode: reject } : {}),
  };
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
    e = new Engine({
      ciliumVersion: version,
      ...(f.dnsRejectResponseCode ? { dnsRejectResponseCode: f.dnsRejectResponseCode } : {}),
    });
    e.publicZone = f.zone;
    e.load([{ name: `${f.name}.yaml`, text: f.text }]);
    engines.set(key, e);
  }
  return e;
}

function run(engine: Engine, p: ProbeCase): ProbeResult {
  const probe: Probe = { id: p.id, from: p.from, to: p.to };
  if (p.port !== undefined) probe.port = p.port;
  if (p.protocol) probe.protocol = p.protocol;
  if (p.http) probe.http = p.http;
  if (p.dns) probe.dns = p.dns;
  if (p.kafka) probe.kafka = p.kafka;
  const r = engine.probe(probe);
  expect(r.error, `probe could not be resolved: ${r.error}`).toBeUndefined();
  return r;
}

function context(p: ProbeCase, r: ProbeResult): string {
  return `${p.id}${p.why ? ` (${p.why})` : ''}: ${r.reason}`;
}

/** Asserts the reason, when the case gives a pattern for it (e.g. which proxy refused). */
function expectReason(p: ProbeCase, r: ProbeResult): void {
  if (p.reason !== undefined) expect(r.reason, context(p, r)).toMatch(new RegExp(p.reason));
}

/** Asserts the probe is allowed. */
function expectAllowed(engine: Engine, p: ProbeCase): void {
  const r = run(engine, p);
  expect(r.verdict, context(p, r)).toBe('allowed');
  expectReason(p, r);
}

/** Asserts the probe is denied. */
function expectDenied(engine: Engine, p: ProbeCase): void {
  const r = run(engine, p);
  expect(r.verdict, context(p, r)).toBe('denied');
  expectReason(p, r);
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
