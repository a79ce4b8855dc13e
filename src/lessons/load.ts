/**
 * Reads a lesson folder (file path → text, as the site's `import.meta.glob` or the command line's
 * file system gives it) into a `Lesson`, checking `lesson.yaml` on the way. Problems come back as
 * messages with the field path; nothing throws.
 */
import { parse } from 'yaml';
import { CILIUM_VERSIONS } from '../engine/versions.ts';
import type { CiliumVersion } from '../engine/types.ts';
import type {
  Check,
  FlowMatcher,
  Lesson,
  LessonFile,
  LessonProbe,
  Prediction,
  Step,
} from './model.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

function str(p: Problems, v: unknown, path: string, required = true): string {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (required || v !== undefined) p.add(path, 'must be a non-empty string');
  return '';
}

function strings(p: Problems, v: unknown, path: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    p.add(path, 'must be a list of strings');
    return [];
  }
  return v as string[];
}

const PROBE_KEYS = new Set(['id', 'from', 'to', 'port', 'protocol', 'http', 'dns', 'kafka']);

function probe(p: Problems, v: unknown, path: string): LessonProbe {
  if (!isObj(v)) {
    p.add(path, 'must be a probe: {from, to, port, protocol?, http?, dns?, kafka?}');
    return { from: '', to: '' };
  }
  for (const k of Object.keys(v)) if (!PROBE_KEYS.has(k)) p.add(`${path}.${k}`, 'unknown field');
  const from = str(p, v.from, `${path}.from`);
  const to =
    v.to === undefined && isObj(v.dns) ? 'svc:kube-system/kube-dns' : str(p, v.to, `${path}.to`);
  if (v.port !== undefined && typeof v.port !== 'number' && typeof v.port !== 'string')
    p.add(`${path}.port`, 'must be a number or a port name');
  if (v.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(v.protocol)))
    p.add(`${path}.protocol`, 'must be TCP, UDP or SCTP');
  for (const k of ['http', 'dns', 'kafka'] as const)
    if (v[k] !== undefined && !isObj(v[k])) p.add(`${path}.${k}`, 'must be a mapping');
  return { ...(v as object), from, to } as LessonProbe;
}

const MATCHER_KEYS = new Set(['type', 'verdict', 'summary', 'httpStatus', 'dnsRcode']);

function matchers(p: Problems, v: unknown, path: string): FlowMatcher[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    p.add(path, 'must be a list of flow matchers');
    return [];
  }
  return v.map((m, i) => {
    if (!isObj(m)) p.add(`${path}[${i}]`, 'must be a mapping');
    else
      for (const k of Object.keys(m))
        if (!MATCHER_KEYS.has(k)) p.add(`${path}[${i}].${k}`, 'unknown field');
    return (isObj(m) ? m : {}) as FlowMatcher;
  });
}

function check(p: Problems, v: unknown, path: string, ids: Set<string>): Check {
  if (!isObj(v)) {
    p.add(path, 'must be a check');
    return { id: '', description: '', probe: { from: '', to: '' } };
  }
  const id = str(p, v.id, `${path}.id`);
  if (id && ids.has(id)) p.add(`${path}.id`, `"${id}" is used twice`);
  ids.add(id);
  const c: Check = {
    id,
    description: str(p, v.description, `${path}.description`),
    probe: probe(p, v.probe, `${path}.probe`),
  };
  if (v.expect !== undefined) {
    if (v.expect !== 'allowed' && v.expect !== 'denied')
      p.add(`${path}.expect`, 'must be allowed or denied');
    else c.expect = v.expect;
  }
  if (v.reason !== undefined) {
    c.reason = str(p, v.reason, `${path}.reason`);
    try {
      new RegExp(c.reason);
    } catch {
      p.add(`${path}.reason`, 'is not a valid regular expression');
    }
  }
  if (v.flows !== undefined) {
    if (!isObj(v.flows)) p.add(`${path}.flows`, 'must be {include?, exclude?}');
    else
      c.flows = {
        include: matchers(p, v.flows.include, `${path}.flows.include`),
        exclude: matchers(p, v.flows.exclude, `${path}.flows.exclude`),
      };
  }
  if (c.expect === undefined && c.flows === undefined)
    p.add(path, 'needs expect or flows: a check must say what behaviour counts');
  return c;
}

function step(p: Problems, v: unknown, path: string, ids: Set<string>): Step {
  if (!isObj(v)) {
    p.add(path, 'must be a step');
    return { title: '', body: '', commands: [], checks: [], hints: [] };
  }
  const s: Step = {
    title: str(p, v.title, `${path}.title`),
    body: str(p, v.body, `${path}.body`),
    commands: strings(p, v.commands, `${path}.commands`),
    checks: Array.isArray(v.checks)
      ? v.checks.map((c, i) => check(p, c, `${path}.checks[${i}]`, ids))
      : [],
    hints: strings(p, v.hints, `${path}.hints`),
  };
  if (v.checks !== undefined && !Array.isArray(v.checks)) p.add(`${path}.checks`, 'must be a list');
  const failing = strings(p, v.failingCommands, `${path}.failingCommands`);
  if (failing.length > 0) s.failingCommands = failing;
  if (v.predict !== undefined) {
    if (!isObj(v.predict)) p.add(`${path}.predict`, 'must be {question, probe, explanation}');
    else {
      const pr: Prediction = {
        question: str(p, v.predict.question, `${path}.predict.question`),
        probe: probe(p, v.predict.probe, `${path}.predict.probe`),
        explanation: str(p, v.predict.explanation, `${path}.predict.explanation`),
      };
      s.predict = pr;
    }
  }
  return s;
}

/** Reads one lesson from its folder's files, keyed by path relative to the folder. */
export function parseLesson(
  id: string,
  files: Readonly<Record<string, string>>,
): { lesson?: Lesson; problems: string[] } {
  const p = new Problems();
  const text = files['lesson.yaml'];
  if (text === undefined) return { problems: ['lesson.yaml: missing'] };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { problems: [`lesson.yaml: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (!isObj(doc)) return { problems: ['lesson.yaml: must be a mapping'] };
  const file = (path: string, where: string): LessonFile | null => {
    const t = files[path];
    if (t === undefined) {
      p.add(where, `names ${path}, which is not in the lesson folder`);
      return null;
    }
    return { name: path.split('/').pop()!, text: t };
  };
  const fileList = (v: unknown, where: string): LessonFile[] =>
    strings(p, v, where)
      .map((f, i) => file(f, `${where}[${i}]`))
      .filter((f): f is LessonFile => f !== null);
  const version = (doc.ciliumVersion ?? '1.18') as CiliumVersion;
  if (!CILIUM_VERSIONS.includes(version))
    p.add('ciliumVersion', `must be one of ${CILIUM_VERSIONS.join(', ')}`);
  const ids = new Set<string>();
  const lesson: Lesson = {
    id,
    order: typeof doc.order === 'number' ? doc.order : (p.add('order', 'must be a number'), 0),
    title: str(p, doc.title, 'title'),
    summary: str(p, doc.summary, 'summary'),
    minutes:
      typeof doc.minutes === 'number' ? doc.minutes : (p.add('minutes', 'must be a number'), 0),
    topics: strings(p, doc.topics, 'topics'),
    ciliumVersion: version,
    cluster: fileList(doc.cluster, 'cluster'),
    start: fileList(doc.start, 'start'),
    solution: fileList(doc.solution, 'solution'),
    wrong: Array.isArray(doc.wrong)
      ? doc.wrong.map((w, i) => ({
          name: isObj(w) ? str(p, w.name, `wrong[${i}].name`) : '',
          why: isObj(w) ? str(p, w.why, `wrong[${i}].why`) : '',
          files: isObj(w) ? fileList(w.files, `wrong[${i}].files`) : [],
        }))
      : [],
    workspace: fileList(doc.workspace, 'workspace'),
    zone: {},
    steps: Array.isArray(doc.steps) ? doc.steps.map((s, i) => step(p, s, `steps[${i}]`, ids)) : [],
    learned: str(p, doc.learned, 'learned'),
    docs: Array.isArray(doc.docs)
      ? doc.docs.map((d, i) => ({
          title: isObj(d) ? str(p, d.title, `docs[${i}].title`) : '',
          url: isObj(d) ? str(p, d.url, `docs[${i}].url`) : '',
        }))
      : [],
  };
  if (lesson.cluster.length === 0) p.add('cluster', 'needs at least one manifest');
  if (lesson.solution.length === 0) p.add('solution', 'needs at least one file');
  if (lesson.steps.length === 0) p.add('steps', 'needs at least one step');
  if (isObj(doc.dns))
    for (const [name, ips] of Object.entries(doc.dns))
      lesson.zone[name] = Array.isArray(ips) ? ips.map(String) : [String(ips)];
  if (doc.traffic !== undefined) {
    const t = files[String(doc.traffic)];
    if (t === undefined)
      p.add('traffic', `names ${String(doc.traffic)}, which is not in the lesson folder`);
    else lesson.traffic = t;
  }
  for (const d of lesson.docs)
    if (d.url && !/^https:\/\//.test(d.url)) p.add('docs', `${d.url} must be an https link`);
  const known = new Set([
    'order',
    'title',
    'summary',
    'minutes',
    'topics',
    'ciliumVersion',
    'cluster',
    'start',
    'solution',
    'wrong',
    'workspace',
    'dns',
    'traffic',
    'steps',
    'learned',
    'docs',
  ]);
  for (const k of Object.keys(doc)) if (!known.has(k)) p.add(k, 'unknown field');
  return p.list.length > 0 ? { lesson, problems: p.list } : { lesson, problems: [] };
}
