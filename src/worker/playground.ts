/**
 * The worker's side of the playground: one simulated world and the shell typed into it. Kept
 * apart from the worker entry point so it runs, and is tested, in Node as well.
 */
import { TerminalSession } from '../sim/session.ts';
import { recordHistory } from '../sim/shell/state.ts';
import { readTraffic } from '../sim/traffic.ts';
import { SimWorld } from '../sim/world.ts';
import { runChecks, type CheckResult } from '../lessons/checks.ts';
import type { Check, LessonProbe } from '../lessons/model.ts';
import { GraphBuilder } from '../sim/graph.ts';
import { Memo } from '../sim/memo.ts';
import { readHubbleJson } from '../engine/flows/import.ts';
import { policiesFromFlows } from '../engine/generate/policies.ts';
import { flowEnds } from '../engine/flows/ends.ts';
import type { FlowEndpoint } from '../engine/flows/model.ts';
import { lint, type LintWarning } from '../engine/lint/index.ts';
import type {
  Completion,
  GeneratedPolicies,
  Explanation,
  SentState,
  LintFinding,
  LoadRequest,
  LoadResult,
  PlaygroundApi,
  RuleLens,
  RunResponse,
} from './api.ts';
import { completeLine, type CompletionContext } from './complete.ts';
import { diagnosticDto } from './diagnostics.ts';
import { explanationOf, subjectOf } from './explanation.ts';
import { computeRuleFlows, isLookupFlow } from './rule-flows.ts';

/** `ns/pod`, for an endpoint that is a pod. */
function podOf(ep: FlowEndpoint): string | undefined {
  return ep.pod_name && ep.namespace ? `${ep.namespace}/${ep.pod_name}` : undefined;
}

/** A lint warning as plain data for the page. */
function findingOf(w: LintWarning): LintFinding {
  return {
    file: w.file,
    startLine: w.line,
    startColumn: w.column,
    endLine: w.endLine,
    endColumn: w.endColumn,
    code: w.code,
    severity: w.severity,
    message: w.message,
    ...(w.fix
      ? {
          fix: {
            title: w.fix.title,
            range: {
              startLine: w.fix.range.startLine,
              startColumn: w.fix.range.startColumn,
              endLine: w.fix.range.endLine,
              endColumn: w.fix.range.endColumn,
            },
            text: w.fix.text,
          },
        }
      : {}),
  };
}

export class Playground implements PlaygroundApi {
  private session = new TerminalSession(new SimWorld());
  private graph = new GraphBuilder();
  private revision = 0;
  /** Rule lenses of the last computation, by file. */
  private lenses = new Memo<Map<string, RuleLens[]>>();
  /** Lint findings of the last run. */
  private findings = new Memo<LintFinding[]>();

  setFile(
    name: string,
    text: string,
    steps?: { checks: Check[] }[],
    haveFlows?: string,
  ): SentState {
    this.session.world.setFile(name, text);
    const state = this.state(haveFlows);
    return steps ? { ...state, checks: runChecks(this.session.world, steps) } : state;
  }

  removeFile(name: string, haveFlows?: string): SentState {
    this.session.world.removeFile(name);
    return this.state(haveFlows);
  }

  explain(from: string, to: string, port: number, protocol: 'TCP' | 'UDP' | 'SCTP'): Explanation {
    const r = this.session.world.engine.probe({ id: 'explain', from, to, port, protocol });
    return explanationOf(r, subjectOf(r, { from, to }));
  }

  explainProbe(probe: LessonProbe): Explanation {
    const r = this.session.world.engine.probe({ id: 'explain', ...probe });
    return explanationOf(r, subjectOf(r, probe));
  }

  explainFlow(seq: number): Explanation | null {
    const world = this.session.world;
    const logged = world.flows.at(seq);
    if (!logged) return null;
    const cause = logged.cause;
    if (!cause) {
      // Without the attempt behind it, a flow between two pods is still a connection to decide.
      const c = flowEnds(logged.flow);
      const from = c && podOf(c.client);
      const to = c && podOf(c.server);
      if (c && from && to) return this.explain(from, to, c.port, c.protocol);
      return {
        verdict: logged.flow.verdict === 'DROPPED' ? 'denied' : 'allowed',
        reason:
          'Hubble logged this flow without the connection attempt behind it, so there is no rule to show.',
        rules: [],
      };
    }
    const r = world.engine.probe(cause.probe);
    const lookup = r.lookup?.query;
    const isLookup = lookup !== undefined && isLookupFlow(logged.flow, lookup);
    const part = isLookup ? lookup : r;
    const then = isLookup ? cause.lookupVerdict : cause.verdict;
    const ex = explanationOf(part, subjectOf(part, cause.probe));
    if (then !== undefined && then !== part.verdict)
      ex.note = `Hubble logged it as ${then}; under the policies as they are now it is ${part.verdict}.`;
    return ex;
  }

  ruleFlows(file: string): RuleLens[] {
    const world = this.session.world;
    const engine = world.engine;
    // Everything the lenses depend on: the policies, the cluster and the flow log.
    const key = [
      engine.cluster,
      world.flows.sequence,
      world.flows.all().length,
      ...engine.policies,
    ];
    return this.lenses.get(key, () => computeRuleFlows(world)).get(file) ?? [];
  }

  lint(): LintFinding[] {
    const world = this.session.world;
    const files = world.liveFiles().map((name) => ({ name, text: world.file(name) ?? '' }));
    // The findings depend on the cluster, the policies in force and the text of the live files
    // (for their places); a command that changed none of them is answered from the cache.
    const key = [
      world.engine.cluster,
      ...world.engine.policies,
      ...files.flatMap((f) => [f.name, f.text]),
    ];
    return this.findings.get(key, () => lint(world.engine, files).map(findingOf));
  }

  checks(steps: { checks: Check[] }[]): CheckResult[][] {
    return runChecks(this.session.world, steps);
  }

  state(haveFlows?: string): SentState {
    const world = this.session.world;
    this.revision++;
    const diagnostics = world.engine.diagnostics.map(diagnosticDto);
    const graph: SentState['graph'] = this.graph.build(world);
    // The page has these rows already: the answer to each keystroke stays small.
    if (haveFlows !== undefined && graph.flowsKey === haveFlows) delete graph.flows;
    return { revision: this.revision, diagnostics, graph };
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
    this.lenses = new Memo();
    this.findings = new Memo();
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
