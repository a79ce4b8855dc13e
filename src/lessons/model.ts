/**
 * Lessons as data. A lesson folder holds `lesson.yaml` plus the YAML files it names: the
 * cluster (read-only in the editor), the learner's starting files, a solution, plausible wrong
 * answers, and optionally background traffic and public DNS.
 *
 * Checks are behavioural: each one asks the engine about traffic (a probe and the verdict or
 * refusal expected, or the flows a probe leaves), never compares the learner's text with the
 * solution, so any correct policy passes.
 */
import type { Probe } from '../engine/evaluate/probe.ts';
import type { CiliumVersion } from '../engine/types.ts';

/** A probe as a lesson writes it (`id` optional). */
export type LessonProbe = Omit<Probe, 'id' | 'expect'> & { id?: string };

/** What a flow check looks for among the flows of its probe. */
export interface FlowMatcher {
  /** Hubble's type column: `http-request`, `dns-request`, `policy-verdict`, `drop`, ... */
  type?: string;
  verdict?: 'FORWARDED' | 'DROPPED' | 'REDIRECTED' | 'AUDIT';
  /** A substring of the compact summary (`GET http://`, `DNS Query example.org.`). */
  summary?: string;
  /** HTTP status of a response. */
  httpStatus?: number;
  /** DNS rcode name of a response: NOERROR, NXDOMAIN, REFUSED. */
  dnsRcode?: string;
}

export interface Check {
  id: string;
  /** What the learner should make true, in words (shown in the check list). */
  description: string;
  probe: LessonProbe;
  /** The verdict the probe must get. */
  expect?: 'allowed' | 'denied';
  /** A regular expression the probe's reason must match (e.g. `^403 by proxy`). */
  reason?: string;
  /** Flows the probe must leave (`include`) or must not (`exclude`). */
  flows?: { include?: FlowMatcher[]; exclude?: FlowMatcher[] };
}

/** A "predict before you run" question: the learner picks, then the engine shows the truth. */
export interface Prediction {
  question: string;
  probe: LessonProbe;
  /** Why the answer is what it is, shown after the learner picked. */
  explanation: string;
}

export interface Step {
  title: string;
  /** Markdown: short prose, what and why. */
  body: string;
  /** Commands to try, clickable in the page. */
  commands: string[];
  /**
   * Commands that exit non-zero once the lesson is solved (a connection the solution blocks);
   * the lesson tests run every command against the solution.
   */
  failingCommands?: string[];
  predict?: Prediction;
  checks: Check[];
  /** Progressive hints, mildest first. */
  hints: string[];
}

export interface LessonFile {
  /** The name the editor and `kubectl apply -f` use. */
  name: string;
  text: string;
}

export interface Lesson {
  id: string;
  /** Position in the curriculum (1-based). */
  order: number;
  title: string;
  summary: string;
  minutes: number;
  topics: string[];
  ciliumVersion: CiliumVersion;
  /** Cluster manifests, read-only in the editor. */
  cluster: LessonFile[];
  /** The learner's files as the lesson starts. */
  start: LessonFile[];
  /** A policy set that passes every check (same file names as `start`, or more). */
  solution: LessonFile[];
  /** Plausible wrong answers; each must fail at least one check. */
  wrong: { name: string; why: string; files: LessonFile[] }[];
  /** Extra files `kubectl apply -f NAME` can read (not applied at start). */
  workspace: LessonFile[];
  zone: Record<string, string[]>;
  /** Background traffic as YAML text (`traffic:` list), if the story has any. */
  traffic?: string;
  steps: Step[];
  /** The closing "what you learned", markdown. */
  learned: string;
  docs: { title: string; url: string }[];
}
