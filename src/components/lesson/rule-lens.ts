/**
 * Code lenses over policy rules: "allows 3 flows · denies 1" above each rule, from the worker's
 * `ruleFlows`. Choosing a lens lists the flows in a panel beside the editor; choosing a flow
 * there explains it like a flow row or a graph edge, and selects it in the flow graph.
 *
 * Monaco asks for lenses lazily (for the file shown, once typing pauses); the worker caches its
 * answer until the policies, the cluster or the flows change.
 */
import type { FlowRow, GraphData } from '../../sim/graph-types.ts';
import type { Explanation, RuleFlow, RuleLens } from '../../worker/api.ts';
import type { EditorLens, LensSource } from '../editor/PolicyEditor.ts';
import { showExplanation, showFlow, type RuleRevealer } from './show-rule.ts';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The lens text: `allows 3 flows · denies 1 (default deny)`, or `no flows`. */
export function lensTitle(lens: Pick<RuleLens, 'counts' | 'partial'>): string {
  const c = lens.counts;
  const parts: string[] = [];
  if (c.allowed > 0) parts.push(`allows ${count(c.allowed, 'flow', 'flows')}`);
  if (c.denied > 0) parts.push(`denies ${count(c.denied, 'flow', 'flows')}`);
  if (c['default-deny'] > 0)
    parts.push(`denies ${count(c['default-deny'], 'flow', 'flows')} (default deny)`);
  if (c['l7-refused'] > 0)
    parts.push(`refuses ${count(c['l7-refused'], 'request', 'requests')} at L7`);
  if (parts.length === 0) return 'no flows';
  // Counts of a cluster too large to try every pair are lower bounds.
  return `${parts.join(' · ')}${lens.partial ? ' (at least)' : ''}`;
}

/**
 * A lens source for the policy editor, fed by the worker. Choosing a lens asks the worker again,
 * so the list is current even when flows arrived after the lens was drawn.
 */
export function ruleLensSource(
  ruleFlows: (file: string) => Promise<RuleLens[] | null>,
  choose: (lens: RuleLens) => void,
): LensSource {
  const current = async (lens: RuleLens): Promise<RuleLens> => {
    try {
      const now = await ruleFlows(lens.file);
      return now?.find((l) => l.label === lens.label) ?? lens;
    } catch {
      return lens;
    }
  };
  return {
    async provide(file) {
      const lenses = await ruleFlows(file);
      if (!lenses) return null;
      return lenses.map((lens): EditorLens => ({
        range: lens,
        title: lensTitle(lens),
        tooltip: `${lens.label}: list the flows`,
        select: () => void current(lens).then(choose),
      }));
    },
  };
}

/**
 * Lists a rule's flows in `panel`, each as a button that calls `pick`. Built with
 * `createElement` and `textContent` only.
 */
export function renderRuleFlows(
  panel: HTMLElement,
  lens: RuleLens,
  pick: (flow: RuleFlow) => void,
): void {
  const heading = document.createElement('p');
  heading.className = 'rule-flows__title';
  heading.textContent = `${lens.label}: ${lensTitle(lens)}`;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'rule-flows__close';
  close.textContent = 'Close';
  close.addEventListener('click', () => {
    panel.hidden = true;
    panel.replaceChildren();
  });
  heading.append(' ', close);
  const children: HTMLElement[] = [heading];
  if (lens.flows.length === 0) {
    const empty = document.createElement('p');
    empty.textContent =
      'No traffic between workloads and no flow in Hubble’s buffer is decided by this rule.';
    children.push(empty);
  } else {
    const list = document.createElement('ul');
    list.className = 'rule-flows__list';
    list.setAttribute('aria-label', `Flows decided by ${lens.label}`);
    for (const flow of lens.flows) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset['effect'] = flow.effect;
      if (flow.seq !== undefined) button.dataset['seq'] = String(flow.seq);
      button.textContent = flow.text;
      button.addEventListener('click', () => pick(flow));
      item.append(button);
      list.append(item);
    }
    children.push(list);
    if (lens.truncated) {
      const more = document.createElement('p');
      more.textContent = `Only the first ${lens.flows.length} are listed.`;
      children.push(more);
    }
  }
  panel.replaceChildren(...children);
  panel.hidden = false;
}

/** What choosing a listed flow needs from the page. */
export interface RuleFlowActions {
  explain(
    from: string,
    to: string,
    port: number,
    protocol: RuleFlow['protocol'],
  ): Promise<Explanation>;
  explainFlow(seq: number): Promise<Explanation | null>;
  editor: RuleRevealer | undefined;
  out: HTMLElement;
  /** The flow graph, to select the flow's row or edge in. */
  graph?: { selectFlow(seq: number): boolean; selectEdge(id: string): boolean };
}

/**
 * Explains a flow chosen from a rule's list: a logged one as its flow row would be, a possible
 * one as its graph edge would be; either way it is selected in the graph when shown there.
 */
export async function showRuleFlow(flow: RuleFlow, page: RuleFlowActions): Promise<void> {
  if (flow.seq !== undefined) {
    page.graph?.selectFlow(flow.seq);
    await showFlow(
      {
        seq: flow.seq,
        source: flow.from,
        destination: flow.to,
        port: flow.port,
        protocol: flow.protocol,
      },
      page.explainFlow,
      page.editor,
      page.out,
    );
  } else if (flow.pods) {
    if (flow.edge !== undefined) page.graph?.selectEdge(flow.edge);
    const ex = await page.explain(flow.pods.from, flow.pods.to, flow.port, flow.protocol);
    showExplanation(
      ex,
      `${flow.pods.from} → ${flow.pods.to} ${flow.port}/${flow.protocol}`,
      page.editor,
      page.out,
    );
  }
}

/** What of the graph data tells whether the lenses may be stale. */
type GraphDigest = Pick<GraphData, 'version'> & { flows: readonly Pick<FlowRow, 'seq'>[] };

/**
 * Whether the lenses may have changed without an edit of the file shown: new flows in Hubble's
 * buffer, or other policies or cluster objects (the graph's version).
 */
export function lensInputsChanged(before: GraphDigest | undefined, after: GraphDigest): boolean {
  return (
    !before ||
    before.version !== after.version ||
    before.flows.length !== after.flows.length ||
    before.flows.at(-1)?.seq !== after.flows.at(-1)?.seq
  );
}
