/**
 * What the lesson player and the playground both put around the editor to explain verdicts:
 * the flow graph (an edge or a flow row explains itself and reveals its rule), code lenses over
 * rules (the flows each one decided) and the policy doctor's findings. Mounted before the
 * editor, because the editor needs the lens source; connected to it once it exists.
 */
import type { EngineState } from '../../worker/api.ts';
import type { ResilientPlayground } from '../../worker/resilient.ts';
import type { PolicyEditor } from '../editor/PolicyEditor.ts';
import type { FlowGraphHandle, mountFlowGraph } from '../graph/FlowGraph.ts';
import { lintScheduler } from './policy-doctor.ts';
import { lensInputsChanged, renderRuleFlows, ruleLensSource, showRuleFlow } from './rule-lens.ts';
import { showFlow, showRule, type RuleRevealer } from './show-rule.ts';

export type InspectBackend = Pick<
  ResilientPlayground,
  'explain' | 'explainFlow' | 'ruleFlows' | 'lint'
>;

export interface Inspectors {
  graph: FlowGraphHandle;
  lenses: ReturnType<typeof ruleLensSource>;
  /** Where explanations are written (`[data-role="explain"]`), if the page has one. */
  explainOut: HTMLElement | null;
  /** The editor rules are revealed in, once connected. */
  ui: { editor?: RuleRevealer };
  /** Hooks the editor up; returns what shows each new state (resolves once the graph is drawn). */
  connect(editor: PolicyEditor): (state: EngineState) => Promise<void>;
}

export function mountInspectors(
  root: HTMLElement,
  graphEl: HTMLElement,
  playground: InspectBackend,
  mountGraph: typeof mountFlowGraph,
): Inspectors {
  const explainOut = root.querySelector<HTMLElement>('[data-role="explain"]');
  const ruleFlowsEl = root.querySelector<HTMLElement>('[data-role="rule-flows"]');
  let lastGraph: EngineState['graph'] | undefined;
  const ui: { editor?: RuleRevealer } = {};
  const graph = mountGraph(graphEl, {
    onSelectEdge: (edge) => {
      if (explainOut)
        void showRule(edge, lastGraph, (...a) => playground.explain(...a), ui.editor, explainOut);
    },
    onSelectFlow: (row) => {
      if (explainOut)
        void showFlow(row, (seq) => playground.explainFlow(seq), ui.editor, explainOut);
    },
  });
  const lenses = ruleLensSource(
    (file) => playground.ruleFlows(file),
    (lens) => {
      if (!ruleFlowsEl || !explainOut) return;
      renderRuleFlows(ruleFlowsEl, lens, (flow) => {
        void showRuleFlow(flow, {
          explain: (...a) => playground.explain(...a),
          explainFlow: (seq) => playground.explainFlow(seq),
          editor: ui.editor,
          out: explainOut,
          graph,
        });
      });
    },
  );
  return {
    graph,
    lenses,
    explainOut,
    ui,
    connect(editor) {
      ui.editor = editor;
      // Lint findings follow edits and commands once they pause (see policy-doctor.ts).
      const doctor = lintScheduler(
        () => playground.lint(),
        (findings) => editor.setLintFindings(findings),
      );
      return (state) => {
        const before = lastGraph;
        lastGraph = state.graph;
        editor.setMarkers(state.diagnostics);
        const drawn = graph.update(state.graph);
        if (lensInputsChanged(before, state.graph)) editor.refreshLenses();
        doctor.schedule();
        return drawn;
      };
    },
  };
}
