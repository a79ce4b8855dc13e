/**
 * "Show rule": from a verdict to the YAML that decided it. A verdict comes from an edge of the
 * flow graph (the connection between the first pods of the two workloads), a row of the flow
 * table (that exact flow, with its request) or a lesson check (its probe). The worker explains
 * it; the explanation goes to an output element as text and the editor reveals the first
 * deciding rule that is in one of its files.
 */
import type { FlowRow, GraphData, GraphEdge } from '../../sim/graph-types.ts';
import type { LessonProbe } from '../../lessons/model.ts';
import type { Explanation } from '../../worker/api.ts';

export interface RuleRevealer {
  reveal(
    file: string,
    range: { startLine: number; startColumn: number; endLine: number; endColumn: number },
  ): void;
  getFiles(): { name: string }[];
}

/** Writes an explanation after `heading` and reveals its first deciding rule in the editor. */
export function showExplanation(
  ex: Explanation,
  heading: string,
  editor: RuleRevealer | undefined,
  out: HTMLElement,
): void {
  const names = new Set(editor?.getFiles().map((f) => f.name) ?? []);
  const rule = ex.rules.find((r) => names.has(r.file));
  const note = ex.note ? ` ${ex.note}` : '';
  const where =
    ex.rules.length > 0 && !rule
      ? ' The rule behind it is not in the editor (it was applied in the terminal).'
      : '';
  out.textContent = `${heading}: ${ex.verdict}.${note} ${ex.reason}${where}`;
  if (rule && editor) editor.reveal(rule.file, rule);
}

export async function showRule(
  edge: GraphEdge,
  graph: GraphData | undefined,
  explain: (
    from: string,
    to: string,
    port: number,
    protocol: GraphEdge['protocol'],
  ) => Promise<Explanation>,
  editor: RuleRevealer | undefined,
  out: HTMLElement,
): Promise<void> {
  const pod = (id: string) => graph?.nodes.find((n) => n.id === id)?.pods[0];
  const from = pod(edge.from);
  const to = pod(edge.to);
  if (!from || !to) {
    out.textContent = `${edge.from} → ${edge.to} ${edge.port}/${edge.protocol}: ${edge.verdict}. Rules can be shown for traffic between two workloads; choose one of its flows in the flow table to see what decided it.`;
    return;
  }
  const ex = await explain(from, to, edge.port, edge.protocol);
  showExplanation(ex, `${from} → ${to} ${edge.port}/${edge.protocol}`, editor, out);
}

/** Explains one row of the flow table: that flow's connection and the request inside it. */
export async function showFlow(
  row: Pick<FlowRow, 'seq' | 'source' | 'destination' | 'port' | 'protocol'>,
  explainFlow: (seq: number) => Promise<Explanation | null>,
  editor: RuleRevealer | undefined,
  out: HTMLElement,
): Promise<void> {
  const ex = await explainFlow(row.seq);
  if (!ex) {
    const port = row.port !== null ? ` ${row.port}/${row.protocol}` : '';
    out.textContent = `${row.source} → ${row.destination}${port}: this flow is no longer in Hubble's buffer, so it cannot be explained.`;
    return;
  }
  showExplanation(ex, ex.subject ?? `${row.source} → ${row.destination}`, editor, out);
}

/** Explains a lesson check: its probe under the current policies. */
export async function showCheck(
  check: { description: string; probe: LessonProbe },
  explainProbe: (probe: LessonProbe) => Promise<Explanation>,
  editor: RuleRevealer | undefined,
  out: HTMLElement,
): Promise<void> {
  const ex = await explainProbe(check.probe);
  showExplanation(ex, `${check.description} (${ex.subject ?? 'its probe'})`, editor, out);
}
