/**
 * Golden transcripts for the hubble and cilium commands: a world, traffic made with probes, and
 * the commands typed with what they print, in one file per scenario.
 *
 * Directives (lines starting with `@`) set the scene; the world is built at the first one that
 * needs it:
 *
 *   @# a comment
 *   @files shop.yaml policies.yaml      manifests next to the fixture (live files of the world)
 *   @zone api.github.com=140.82.121.6   public DNS names
 *   @engine ciliumVersion=1.16          engine options
 *   @traffic 4 {from: shop/client, to: shop/web, port: 80}   background traffic every 4 s
 *   @probe {from: shop/client, to: shop/db, port: 5432}      one probe, recorded by Hubble
 *   @clock +1500                        move the clock (background traffic does not run)
 *   @wait +1500                         let time pass (background traffic runs)
 *   @apply deny.yaml / @remove deny.yaml   add or remove a live file
 *   @agent kind-worker2                 open a shell in that node's Cilium agent container
 *   @host                               back to the learner's machine
 *
 * Every other line is transcript: lines starting with `$ ` are typed (whatever prompt the shell
 * shows), the others are the expected output, stdout and stderr interleaved. The escape
 * character of ANSI colours is written `␛`.
 *
 * `UPDATE_GOLDEN=1 npx vitest run src/sim/commands/hubble src/sim/commands/cilium` rewrites the
 * expected output from what the commands print now; review the diff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Probe } from '../../../engine/evaluate/probe.ts';
import type { EngineOptions } from '../../../engine/types.ts';
import { TerminalSession } from '../../session.ts';
import { enterPod, leavePod } from '../../shell/state.ts';
import { SimWorld, type TrafficSource } from '../../world.ts';
import { agentPods } from '../cilium/agents.ts';
import { ciliumRelease } from '../cilium/versions.ts';

const PROMPT = '$ ';
const START = new Date('2026-03-02T09:00:00Z');

export interface GoldenOutcome {
  /** The fixture as it reads with the output the commands print now. */
  actual: string;
  expected: string;
}

function probeOf(text: string, n: number): Probe {
  const v = parse(text) as Partial<Probe>;
  return { id: v.id ?? `golden-${n}`, ...v } as Probe;
}

/** Replays one fixture file of `dir`; the caller compares `actual` with `expected`. */
export function replayGolden(dir: string, file: string): GoldenOutcome {
  const expected = readFileSync(join(dir, file), 'utf8');
  const lines = expected.split('\n');
  if (lines.at(-1) === '') lines.pop();

  const files: { name: string; text: string }[] = [];
  const zone: Record<string, string[]> = {};
  const engine: Partial<EngineOptions> = {};
  const traffic: TrafficSource[] = [];
  let world: SimWorld | undefined;
  let session: TerminalSession | undefined;
  let probes = 0;
  const ready = (): { world: SimWorld; session: TerminalSession } => {
    if (!world) {
      world = new SimWorld({ files, zone, engine, start: START, traffic });
      session = new TerminalSession(world);
    }
    return { world, session: session! };
  };

  let actual = '';
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const { session } = ready();
    for (const line of pending) {
      actual += `${PROMPT}${line}\n`;
      const r = session.run(line);
      let text = '';
      for (const c of r.out) text += c.text;
      text = text.split('\u001b').join('␛');
      if (text !== '' && !text.endsWith('\n')) text += '\n';
      actual += text;
    }
    pending = [];
  };

  for (const line of lines) {
    if (line.startsWith(PROMPT)) {
      pending.push(line.slice(PROMPT.length));
      continue;
    }
    if (!line.startsWith('@')) continue;
    flush();
    actual += `${line}\n`;
    const body = line.slice(1);
    const space = body.search(/\s/);
    const name = space < 0 ? body : body.slice(0, space);
    const arg = space < 0 ? '' : body.slice(space + 1).trim();
    if (name.startsWith('#')) continue;
    switch (name) {
      case 'files':
        for (const f of arg.split(/\s+/).filter(Boolean))
          files.push({ name: f, text: readFileSync(join(dir, f), 'utf8') });
        break;
      case 'zone':
        for (const a of arg.split(/\s+/).filter(Boolean)) {
          const [k = '', v = ''] = a.split('=');
          zone[k] = v.split(',');
        }
        break;
      case 'engine':
        for (const a of arg.split(/\s+/).filter(Boolean)) {
          const [k = '', v = ''] = a.split('=');
          (engine as Record<string, string>)[k] = v;
        }
        break;
      case 'traffic': {
        const m = /^(\d+)\s+(.*)$/.exec(arg);
        if (!m) throw new Error(`${file}: bad ${line}`);
        traffic.push({ probe: probeOf(m[2]!, ++probes), everySeconds: Number(m[1]) });
        break;
      }
      case 'probe':
        ready().world.probe(probeOf(arg, ++probes));
        break;
      case 'clock':
        ready().world.clock.advance(Number(arg.replace(/^\+/, '')));
        break;
      case 'wait':
        ready().world.advance(Number(arg.replace(/^\+/, '')));
        break;
      case 'apply':
        ready().world.setFile(arg, readFileSync(join(dir, arg), 'utf8'));
        break;
      case 'remove':
        ready().world.removeFile(arg);
        break;
      case 'agent': {
        const { world: w, session: s } = ready();
        const agent = agentPods(w).find((a) => a.node === arg);
        if (!agent) throw new Error(`${file}: no agent on node ${arg}`);
        leavePod(s.shell);
        enterPod(s.shell, {
          namespace: 'kube-system',
          pod: agent.name,
          container: 'cilium-agent',
          image: `quay.io/cilium/cilium:v${ciliumRelease(w)}`,
          tools: ['cilium', 'cilium-dbg', 'hubble'],
        });
        break;
      }
      case 'host':
        leavePod(ready().session.shell);
        break;
      default:
        throw new Error(`${file}: unknown directive ${line}`);
    }
  }
  flush();
  return { actual, expected };
}
