/**
 * "Show rule": from an edge of the flow graph to the YAML that decided it. The worker explains
 * the connection between the first pods of the two workloads; the editor reveals the rule.
 */
import type { GraphData, GraphEdge } from '../../sim/graph-types.ts';
import type { Explanation } from '../../worker/api.ts';

export interface RuleRevealer {
  reveal(
    file: string,
    range: { startLine: number; startColumn: number; endLine: number; endColumn: number },
  ): void;
  getFiles(): { name: string }[];
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
    out.textContent = `${edge.from} → ${edge.to} ${edge.port}/${edge.protocol}: ${edge.verdict}. Rules can be shown for traffic between two workloads.`;
    return;
  }
  const ex = await explain(from, to, edge.port, edge.protocol);
  out.textContent = `${from} → ${to} ${edge.port}/${edge.protocol}: ${ex.verdict}. ${ex.reason}`;
  const names = new Set(editor?.getFiles().map((f) => f.name) ?? []);
  const rule = ex.rules.find((r) => names.has(r.file));
  if (rule && editor) editor.reveal(rule.file, rule);
}
