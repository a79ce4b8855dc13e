/**
 * Runs a lesson's checks against a set of learner files: each check sends its probe through the
 * engine (in a simulated world built from the lesson's cluster and the learner's files) and
 * compares the verdict, the reason or the flows with what the check asks for.
 */
import { flowSummary } from '../engine/flows/summary.ts';
import { flowType } from '../engine/flows/compact.ts';
import { flowsForProbe } from '../engine/flows/build.ts';
import type { Flow } from '../engine/flows/model.ts';
import type { ProbeResult } from '../engine/evaluate/probe.ts';
import { readTraffic } from '../sim/traffic.ts';
import { SimWorld } from '../sim/world.ts';
import type { Check, FlowMatcher, Lesson, LessonFile, LessonProbe } from './model.ts';

export interface CheckResult {
  id: string;
  description: string;
  passed: boolean;
  /** What happened, in words: the verdict and reason, or the flow that was missing. */
  detail: string;
}

export interface LessonResult {
  steps: { title: string; checks: CheckResult[] }[];
  passed: number;
  failed: number;
}

const RCODES: Record<number, string> = { 0: 'NOERROR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' };

/** Whether a flow has everything a matcher asks for. */
export function flowMatches(f: Flow, m: FlowMatcher): boolean {
  if (m.type !== undefined) {
    const t = flowType(f);
    const kind = f.event_type?.type === 1 ? 'drop' : t.split(':')[0]!.split(' ')[0]!;
    if (kind !== m.type && t !== m.type) return false;
  }
  if (m.verdict !== undefined && f.verdict !== m.verdict) return false;
  if (m.summary !== undefined && !flowSummary(f).includes(m.summary)) return false;
  if (m.httpStatus !== undefined && f.l7?.http?.code !== m.httpStatus) return false;
  if (m.dnsRcode !== undefined) {
    const dns = f.l7?.dns;
    if (!dns) return false;
    // A refused query has no response: its request was dropped by the proxy.
    const rcode =
      f.l7?.type === 'REQUEST' && f.verdict === 'DROPPED' ? 'REFUSED' : RCODES[dns.rcode ?? 0];
    if (rcode !== m.dnsRcode) return false;
  }
  return true;
}

function describeMatcher(m: FlowMatcher): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** A world holding the lesson's cluster and the given learner files (as live files). */
export function lessonWorld(lesson: Lesson, files: readonly LessonFile[]): SimWorld {
  const world = new SimWorld({
    files: [
      ...lesson.cluster.map((f) => ({ name: `cluster/${f.name}`, text: f.text })),
      ...files.map((f) => ({ name: f.name, text: f.text })),
    ],
    zone: lesson.zone,
    engine: { ciliumVersion: lesson.ciliumVersion },
    ...(lesson.traffic ? { traffic: readTraffic(lesson.traffic).sources } : {}),
  });
  for (const f of lesson.workspace) world.workspace.set(f.name, f.text);
  return world;
}

/**
 * Runs one check against a world's current state (live files and objects applied in the
 * terminal). The probe is decided by the engine directly: it leaves nothing in Hubble's buffer,
 * so checking never shows up in the learner's `hubble observe`.
 */
export function runCheck(world: SimWorld, check: Check): CheckResult {
  const result = world.engine.probe({ id: check.id, ...(check.probe as LessonProbe) });
  // Hubble records are only built for checks that look at them: this runs on every keystroke.
  const flows = check.flows
    ? flowsForProbe(world.engine, result, { start: new Date(world.clock.now()) })
    : [];
  return judge(check, result, flows);
}

/** Runs the checks of every step against a world as it is now. */
export function runChecks(world: SimWorld, steps: readonly { checks: readonly Check[] }[]) {
  return steps.map((s) => s.checks.map((c) => runCheck(world, c)));
}

function judge(check: Check, r: ProbeResult, flows: Flow[]): CheckResult {
  const base = { id: check.id, description: check.description };
  if (r.error) return { ...base, passed: false, detail: `the probe cannot run: ${r.error}` };
  const problems: string[] = [];
  if (check.expect && r.verdict !== check.expect)
    problems.push(`expected ${check.expect}, got ${r.verdict}`);
  if (check.reason && !new RegExp(check.reason).test(r.reason))
    problems.push(`the outcome is not the expected kind (${check.reason})`);
  for (const m of check.flows?.include ?? [])
    if (!flows.some((f) => flowMatches(f, m))) problems.push(`no flow with ${describeMatcher(m)}`);
  for (const m of check.flows?.exclude ?? [])
    if (flows.some((f) => flowMatches(f, m))) problems.push(`a flow with ${describeMatcher(m)}`);
  const outcome = `${r.verdict}: ${r.reason}`;
  return problems.length === 0
    ? { ...base, passed: true, detail: outcome }
    : { ...base, passed: false, detail: `${problems.join('; ')} — ${outcome}` };
}

/**
 * Runs every check of every step with the learner's files in place of the lesson's starting
 * files (files with other names are added).
 */
export function runLesson(lesson: Lesson, learnerFiles: readonly LessonFile[]): LessonResult {
  const world = lessonWorld(lesson, learnerFiles);
  let passed = 0;
  let failed = 0;
  const steps = lesson.steps.map((s) => ({
    title: s.title,
    checks: s.checks.map((c) => {
      const r = runCheck(world, c);
      if (r.passed) passed++;
      else failed++;
      return r;
    }),
  }));
  return { steps, passed, failed };
}
