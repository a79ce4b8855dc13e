/**
 * Engine benchmark: `npm run bench` prints figures; `npm run bench -- --json` prints one JSON
 * object with parseCompileMs, fullMatrixMs, editP95Ms, peakHeapMB and referenceRatio.
 *
 * Scenario: 5,000 pods in 100 namespaces (~500 identities), 500 policies (NetworkPolicy,
 * CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy), 20 ports. An edit changes one port in one
 * policy, re-reads that policy file and brings the full matrix up to date. The what-if diff
 * compares the cluster as generated with the cluster after those edits (text output only).
 */
import { performance } from 'node:perf_hooks';
import { diffEngines } from '../src/engine/diff/diff.ts';
import { Engine } from '../src/engine/engine.ts';
import { referenceVerdict } from '../src/engine/testing/reference.ts';
import { FULL, PUBLIC_ZONE, generate, rng, type GenOptions } from './generate.ts';

const json = process.argv.includes('--json');
let peakHeap = 0;
const sampleHeap = () => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
};
const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const v = f();
  const ms = performance.now() - t0;
  sampleHeap();
  return [v, ms];
};
const round = (x: number) => Math.round(x * 10) / 10;
const log = (s: string) => {
  if (!json) console.log(s);
};

function countCells(engine: Engine): number {
  const m = engine.matrix();
  let cells = 0;
  for (const g of m.groups) cells += g.ports.length * g.pods.length;
  return cells * engine.cluster.pods.length;
}

// 1. Full size
const gen = generate(FULL);
const files = [gen.cluster, ...gen.policyFiles];
const engine = new Engine();
engine.publicZone = PUBLIC_ZONE;
const [, parseCompileMs] = time(() => engine.load(files));
const [, fullMatrixMs] = time(() => engine.matrix());
log(
  `cluster: ${engine.cluster.pods.length} pods, ${engine.cluster.namespaces.length} namespaces, ` +
    `${engine.identities.podIdentities.length} pod identities, ${engine.policies.length} policies, ` +
    `${engine.matrix().ports.length} ports, ${engine.diagnostics.filter((d) => d.severity === 'error').length} errors`,
);
log(`parse+compile:        ${round(parseCompileMs)} ms`);
log(
  `full matrix:          ${round(fullMatrixMs)} ms  (${countCells(engine).toLocaleString('en')} pod×pod×port cells)`,
);

// 2. Edits: change one port of one policy, then bring the matrix up to date.
const r = rng(7);
const current = new Map(gen.policyFiles.map((f) => [f.name, f.text]));
const editTimes: number[] = [];
for (let i = 0; i < 50; i++) {
  const names = [...current.keys()];
  const name = names[Math.floor(r() * names.length)]!;
  const text = current.get(name)!;
  const matches = [...text.matchAll(/port: "?(\d{4})"?/g)];
  const m = matches[Math.floor(r() * matches.length)];
  if (!m || m.index === undefined) continue;
  const newPort = gen.portList[Math.floor(r() * gen.portList.length)]!;
  const next =
    text.slice(0, m.index) +
    m[0].replace(m[1]!, String(newPort)) +
    text.slice(m.index + m[0].length);
  current.set(name, next);
  const [, ms] = time(() => {
    engine.updateFile({ name, text: next });
    engine.matrix();
  });
  editTimes.push(ms);
}
editTimes.sort((a, b) => a - b);
const editP95Ms =
  editTimes[Math.min(editTimes.length - 1, Math.ceil(editTimes.length * 0.95) - 1)] ?? 0;
const editMedianMs = editTimes[Math.floor(editTimes.length / 2)] ?? 0;
log(
  `one policy edit:      p95 ${round(editP95Ms)} ms, median ${round(editMedianMs)} ms (${editTimes.length} edits)`,
);

// 3. L7: HTTP requests, DNS queries and fqdn: connections through the proxies.
const [l7Results, l7Ms] = time(() => gen.l7Probes.map((p) => engine.probe(p)));
const l7Errors = l7Results.filter((x) => x.error).length;
const l7Allowed = l7Results.filter((x) => x.verdict === 'allowed').length;
const l7ProbeUs = (l7Ms * 1000) / gen.l7Probes.length;
log(
  `L7 probes:            ${gen.l7Probes.length} in ${round(l7Ms)} ms (${round(l7ProbeUs)} µs each; ${l7Allowed} allowed, ${l7Errors} unresolved)`,
);

// 4. Against the reference evaluator on a 500-pod subset.
const SMALL: GenOptions = { ...FULL, namespaces: 10, policies: 50, l7Policies: 5 };
const small = generate(SMALL);
const e2 = new Engine();
e2.load([small.cluster, ...small.policyFiles]);
const pods = e2.cluster.pods.filter((p) => !p.hostNetwork && p.ip);
const triples: [number, number, number, 'TCP' | 'UDP' | 'SCTP'][] = [];
pods.forEach((_, si) =>
  pods.forEach((dst, di) => {
    for (const p of dst.ports) triples.push([si, di, p.port, p.protocol]);
  }),
);
const [engineAnswers, engineMs] = time(() => {
  // recompute() rebuilds the cluster model, so the pods are looked up afresh.
  e2.recompute();
  const fresh = e2.cluster.pods.filter((p) => !p.hostNetwork && p.ip);
  const m = e2.matrix();
  return triples.map(([s, d, port, proto]) => m.allowed(fresh[s]!, fresh[d]!, port, proto));
});
// The reference is slow by design: time a sample of the triples and scale.
const sample = triples.filter((_, i) => i % 50 === 0);
const refPods = e2.cluster.pods.filter((p) => !p.hostNetwork && p.ip);
const refInput = { cluster: e2.cluster, policies: e2.policies, options: e2.options };
const [refAnswers, refSampleMs] = time(() =>
  sample.map(
    ([s, d, port, proto]) =>
      referenceVerdict(refInput, refPods[s]!, refPods[d]!, port, proto).allowed,
  ),
);
const refMs = (refSampleMs * triples.length) / sample.length;
const disagreements = sample.filter(
  (t, k) => refAnswers[k] !== engineAnswers[triples.indexOf(t)],
).length;
const referenceRatio = refMs / engineMs;
log(
  `reference (${pods.length} pods, ${triples.length.toLocaleString('en')} triples): engine ${round(engineMs)} ms, ` +
    `reference ~${Math.round(refMs).toLocaleString('en')} ms (sampled 1/50) → ${Math.round(referenceRatio)}×, ${disagreements} disagreements`,
);
const peakHeapMB = Math.round(peakHeap / 1048576);
log(`peak heap:            ${peakHeapMB} MB`);

// 5. What-if diff, measured after the peak heap so that figure keeps its meaning: the full
// cluster as generated against the same cluster after the 50 edits of section 2 (both matrices
// already computed, as in the browser, where the live engine keeps its matrix up to date), and a
// lesson-sized cluster before and after one edit. Text output only: the JSON stays as it was.
if (!json) whatIfDiff();

function whatIfDiff(): void {
  const original = new Engine();
  original.publicZone = PUBLIC_ZONE;
  original.load(files);
  original.matrix();
  engine.matrix();
  const [bigDiff, diffMs] = time(() => diffEngines(original, engine));
  const [, diffProbesMs] = time(() => diffEngines(original, engine, { probes: gen.l7Probes }));
  const LESSON: GenOptions = {
    ...FULL,
    namespaces: 3,
    deploymentsPerNamespace: 3,
    replicas: 3,
    policies: 12,
    l7Policies: 2,
    nodes: 3,
  };
  const lesson = generate(LESSON);
  const lessonBefore = new Engine();
  lessonBefore.load([lesson.cluster, ...lesson.policyFiles]);
  const lessonAfter = new Engine();
  lessonAfter.load([lesson.cluster, ...lesson.policyFiles.slice(1)]);
  const lessonTimes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    diffEngines(lessonBefore, lessonAfter, { probes: lesson.l7Probes.slice(0, 20) });
    lessonTimes.push(performance.now() - t0);
  }
  lessonTimes.sort((a, b) => a - b);
  const lessonDiffMs = lessonTimes[Math.floor(lessonTimes.length / 2)] ?? 0;
  log(
    `what-if diff:         ${round(diffMs)} ms for ${engine.cluster.pods.length.toLocaleString('en')} pods after the edits ` +
      `(${bigDiff.changes.length.toLocaleString('en')} changed of ${bigDiff.summary.flows.toLocaleString('en')} workload flows), ` +
      `${round(diffProbesMs)} ms with ${gen.l7Probes.length} probes; ` +
      `lesson-sized (${lessonAfter.cluster.pods.length} pods) median ${round(lessonDiffMs)} ms`,
  );
}

if (json) {
  console.log(
    JSON.stringify({
      parseCompileMs: round(parseCompileMs),
      fullMatrixMs: round(fullMatrixMs),
      editP95Ms: round(editP95Ms),
      peakHeapMB,
      referenceRatio: Math.round(referenceRatio),
      l7Policies: FULL.l7Policies,
      l7ProbeUs: round(l7ProbeUs),
    }),
  );
}
if (disagreements > 0) {
  console.error(`${disagreements} disagreements between the engine and the reference evaluator`);
  process.exitCode = 1;
}
