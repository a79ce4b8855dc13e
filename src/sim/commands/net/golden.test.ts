/**
 * Golden transcripts of the network tools, one scenario per file under `fixtures/`.
 *
 * A fixture is a terminal transcript with directive lines between its parts:
 *
 *   @# a comment
 *   @files examples/flask-postgres/cluster.yaml src/…/fixtures/manifests/x.yaml   (the cluster)
 *   @zone api.github.com=140.82.112.6 example.com=93.184.216.34                   (public DNS)
 *   @engine dnsRejectResponseCode=nameError                                       (engine options)
 *   @pod db/debug [IMAGE]      open a shell in that pod (image: the pod's first container's)
 *   @host                      back to the learner's machine
 *   @apply PATH                add a manifest to the cluster (a live file)
 *   @remove PATH               take it away again
 *   @clock +MS                 simulated time moved by exactly MS since the previous @clock
 *
 * Every other line belongs to the transcript: the lines that start with `$ ` are typed (the
 * shell's own prompt, `/ # ` or `~ $ ` in a pod, is written `$ ` here), the rest is the expected
 * output (stdout and stderr as the terminal interleaves them;
 * carriage returns are dropped before comparing). `{{ip NS/POD}}`, `{{clusterip NS/SVC}}` and
 * `{{pod NS/WORKLOAD}}` stand for addresses and generated pod names of the cluster.
 *
 * `UPDATE_GOLDEN=1 npx vitest run src/sim/commands/net` rewrites the expected output from what
 * the tools print now; review the diff by eye.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { EngineOptions } from '../../../engine/types.ts';
import { imageInfo } from '../../images.ts';
import { TerminalSession } from '../../session.ts';
import { enterPod, leavePod } from '../../shell/state.ts';
import { SimWorld } from '../../world.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..', '..');
const FIXTURES = join(HERE, 'fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
/** Typed lines start with this in a fixture, whatever prompt the shell shows. */
const PROMPT = '$ ';

type Part =
  | { kind: 'directive'; name: string; args: string[]; line: string }
  | { kind: 'text'; lines: string[] };

function parseFixture(text: string): Part[] {
  const parts: Part[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('@')) {
      const [name = '', ...args] = line.slice(1).split(/\s+/).filter(Boolean);
      parts.push({ kind: 'directive', name, args, line });
      continue;
    }
    const last = parts.at(-1);
    if (last?.kind === 'text') last.lines.push(line);
    else parts.push({ kind: 'text', lines: [line] });
  }
  return parts;
}

function templates(world: SimWorld) {
  const cluster = world.engine.cluster;
  const podOf = (ref: string) => {
    const [ns, name] = ref.split('/');
    const pods = cluster.pods.filter((p) => p.namespace === ns);
    const pod =
      pods.find((p) => p.name === name) ??
      pods.find(
        (p) =>
          p.owner && (p.owner.name === name || p.owner.name.replace(/-[a-z0-9]+$/, '') === name),
      );
    if (!pod) throw new Error(`no pod ${ref}`);
    return pod;
  };
  const values: Record<string, (ref: string) => string> = {
    ip: (ref) => podOf(ref).ip,
    pod: (ref) => podOf(ref).name,
    clusterip: (ref) => {
      const [ns, name] = ref.split('/');
      const svc = cluster.services.find((s) => s.namespace === ns && s.name === name);
      if (!svc) throw new Error(`no service ${ref}`);
      return svc.clusterIP;
    },
  };
  const used = new Map<string, string>();
  const expand = (s: string) =>
    s.replace(/\{\{(\w+) ([^}]+)\}\}/g, (whole, fn: string, ref: string) => {
      const f = values[fn];
      if (!f) throw new Error(`unknown template ${whole}`);
      const v = f(ref.trim());
      used.set(v, whole);
      return v;
    });
  return { expand, used };
}

interface Outcome {
  /** The file as it should read (for UPDATE_GOLDEN). */
  rewritten: string;
  mismatches: { expected: string; actual: string }[];
  clockErrors: string[];
}

function replay(file: string): Outcome {
  const parts = parseFixture(readFileSync(join(FIXTURES, file), 'utf8'));
  const files: { name: string; text: string }[] = [];
  const zone: Record<string, string[]> = {};
  const engine: Partial<EngineOptions> = {};
  let i = 0;
  for (; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind !== 'directive') break;
    if (p.name.startsWith('#')) continue;
    if (p.name === 'files')
      for (const f of p.args) files.push({ name: f, text: readFileSync(join(ROOT, f), 'utf8') });
    else if (p.name === 'zone')
      for (const a of p.args) {
        const [k, v = ''] = a.split('=');
        zone[k!] = v.split(',');
      }
    else if (p.name === 'engine')
      for (const a of p.args) {
        const [k, v] = a.split('=');
        (engine as Record<string, string>)[k!] = v!;
      }
    else break;
  }
  const world = new SimWorld({ files, zone, engine });
  const session = new TerminalSession(world);
  const { expand, used } = templates(world);
  let mark = world.clock.now();
  const out: string[] = parts.slice(0, i).map((p) => (p.kind === 'directive' ? p.line : ''));
  const mismatches: Outcome['mismatches'] = [];
  const clockErrors: string[] = [];
  for (; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind === 'directive') {
      out.push(p.line);
      const arg = p.args[0] ?? '';
      switch (p.name) {
        case '#':
          break;
        case 'pod': {
          const [ns = 'default', pod = ''] = arg.split('/');
          const model = world.engine.cluster.pods.find(
            (x) => x.namespace === ns && x.name === expand(pod),
          );
          const image = p.args[1] ?? model?.images[0] ?? 'curlimages/curl';
          leavePod(session.shell);
          enterPod(session.shell, {
            namespace: ns,
            pod: expand(pod),
            image,
            tools: imageInfo(image).tools,
          });
          break;
        }
        case 'host':
          leavePod(session.shell);
          break;
        case 'apply':
          world.setFile(arg, readFileSync(join(ROOT, arg), 'utf8'));
          break;
        case 'remove':
          world.removeFile(arg);
          break;
        case 'clock': {
          const want = Number(arg.replace(/^\+/, ''));
          const got = world.clock.now() - mark;
          if (got !== want) clockErrors.push(`${file}: ${p.line}: the clock moved ${got} ms`);
          mark = world.clock.now();
          break;
        }
        default:
          if (p.name.startsWith('#')) break;
          throw new Error(`${file}: unknown directive ${p.line}`);
      }
      continue;
    }
    used.clear();
    const expected = `${p.lines.map(expand).join('\n')}\n`;
    const prompt = session.prompt;
    const commands = expected
      .split('\n')
      .filter((l) => l.startsWith(PROMPT))
      .map((l) => l.slice(PROMPT.length));
    let actual = session
      .transcript(commands)
      .replace(/\r/g, '')
      .split('\n')
      .map((l) => (l.startsWith(prompt) ? PROMPT + l.slice(prompt.length) : l))
      .join('\n');
    if (!actual.endsWith('\n')) actual += '\n';
    if (actual !== expected) mismatches.push({ expected, actual });
    // For rewriting: put the templates back where their values appear.
    let back = actual;
    for (const [value, tpl] of [...used.entries()].sort((a, b) => b[0].length - a[0].length))
      back = back.split(value).join(tpl);
    out.push(back.replace(/\n$/, ''));
  }
  return { rewritten: `${out.join('\n')}\n`, mismatches, clockErrors };
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('network tools: golden transcripts', () => {
  test('there are fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(5);
  });
  test.each(fixtures)('%s', (file) => {
    const r = replay(file);
    if (UPDATE) {
      writeFileSync(join(FIXTURES, file), r.rewritten);
      return;
    }
    for (const m of r.mismatches) expect(m.actual).toBe(m.expected);
    expect(r.clockErrors).toEqual([]);
  });
});
