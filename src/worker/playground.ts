/**
 * The worker's side of the playground: one simulated world and the shell typed into it. Kept
 * apart from the worker entry point so it runs, and is tested, in Node as well.
 */
import { TerminalSession } from '../sim/session.ts';
import { recordHistory } from '../sim/shell/state.ts';
import { readTraffic } from '../sim/traffic.ts';
import { SimWorld } from '../sim/world.ts';
import { runChecks, type CheckResult } from '../lessons/checks.ts';
import type { Check } from '../lessons/model.ts';
import { GraphBuilder } from '../sim/graph.ts';
import { describeRule } from '../engine/explain.ts';
import { readHubbleJson } from '../engine/flows/import.ts';
import { policiesFromFlows } from '../engine/generate/policies.ts';
import type {
  Completion,
  GeneratedPolicies,
  Explanation,
  DiagnosticDto,
  EngineState,
  LoadRequest,
  LoadResult,
  PlaygroundApi,
  RunResponse,
} from './api.ts';
import { completeLine, type CompletionContext } from './complete.ts';

export class Playground implements PlaygroundApi {
  private session = new TerminalSession(new SimWorld());
  private graph = new GraphBuilder();
  private revision = 0;

  setFile(name: string, text: string, steps?: { checks: Check[] }[]): EngineState {
    this.session.world.setFile(name, text);
    const state = this.state();
    return steps ? { ...state, checks: runChecks(this.session.world, steps) } : state;
  }

  removeFile(name: string): EngineState {
    this.session.world.removeFile(name);
    return this.state();
  }

  explain(from: string, to: string, port: number, protocol: 'TCP' | 'UDP' | 'SCTP'): Explanation {
    const r = this.session.world.engine.probe({ id: 'explain', from, to, port, protocol });
    const origins = [...(r.egress?.rules ?? []), ...(r.ingress?.rules ?? [])];
    // A default deny has no deciding rule: point at the rules that switched it on.
    if (origins.length === 0 && r.verdict === 'denied')
      origins.push(
        ...(r.egress?.allowed === false ? (r.egress.enforcedBy ?? []) : []),
        ...(r.ingress?.enforcedBy ?? []),
      );
    return {
      verdict: r.verdict,
      reason: r.reason,
      rules: origins.map((o) => ({ ...o.range, label: describeRule(o) })),
    };
  }

  checks(steps: { checks: Check[] }[]): CheckResult[][] {
    return runChecks(this.session.world, steps);
  }

  state(): EngineState {
    const world = this.session.world;
    this.revision++;
    const diagnostics: DiagnosticDto[] = world.engine.diagnostics.map((d) => ({
      file: d.range.file,
      severity: d.severity,
      code: d.code,
      message: d.message,
      startLine: d.range.startLine,
      startColumn: d.range.startColumn,
      endLine: d.range.endLine,
      endColumn: d.range.endColumn,
      ...(d.kind !== undefined ? { kind: d.kind } : {}),
      ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
      ...(d.name !== undefined ? { name: d.name } : {}),
      ...(d.path !== undefined ? { path: d.path } : {}),
    }));
    return { revision: this.revision, diagnostics, graph: this.graph.build(world) };
  }

  load(request: LoadRequest): LoadResult {
    const files = request.files.map((f) => ({ name: f.name, text: f.text }));
    const traffic = request.traffic ? readTraffic(request.traffic) : { sources: [], problems: [] };
    const world = new SimWorld({
      files,
      traffic: traffic.sources,
      ...(request.zone ? { zone: request.zone } : {}),
    });
    for (const f of request.workspace ?? []) world.workspace.set(f.name, f.text);
    this.session = new TerminalSession(world);
    this.graph = new GraphBuilder();
    for (const line of request.history ?? []) recordHistory(this.session.shell, line);
    return traffic.problems.length > 0
      ? { prompt: this.session.prompt, problems: traffic.problems }
      : { prompt: this.session.prompt };
  }

  importFlows(text: string): { imported: number; problems: string[] } {
    const { flows, problems } = readHubbleJson(text);
    // Oldest first, as the buffer keeps them.
    flows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    this.session.world.flows.add(flows);
    // Only the first few problems: a wrong file can have thousands of bad lines.
    const shown = problems.slice(0, 5);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    return { imported: flows.length, problems: shown };
  }

  generatePolicies(options: { l7?: boolean; fqdn?: boolean } = {}): GeneratedPolicies {
    const world = this.session.world;
    const r = policiesFromFlows(
      world.flows.all().map((x) => x.flow),
      { ...options, cluster: world.engine.cluster },
    );
    return {
      yaml: r.yaml,
      policies: r.policies.length,
      connections: r.connections,
      notes: r.notes,
    };
  }

  run(line: string): RunResponse {
    const r = this.session.run(line);
    return {
      out: r.out.map((c) => ({ stream: c.stream, text: c.text })),
      exitCode: r.exitCode,
      elapsedMs: r.elapsedMs,
      prompt: this.session.prompt,
      ...(r.effects.length > 0 ? { effects: r.effects.map((e) => ({ ...e })) } : {}),
    };
  }

  complete(line: string, cursor: number): Completion {
    const { world, shell, registry } = this.session;
    const location = shell.location;
    const ctx: CompletionContext = {
      commands: registry.available(shell),
      cluster: world.engine.cluster,
      policies: world.engine.policies.map((p) => p.ref),
      files: [...new Set([...world.liveFiles(), ...world.workspace.keys()])].filter(
        (name) => !SimWorld.isObjectFile(name),
      ),
      ...(location.kind === 'pod' ? { podNamespace: location.namespace } : {}),
    };
    return completeLine(ctx, line, cursor);
  }

  prompt(): string {
    return this.session.prompt;
  }
}
