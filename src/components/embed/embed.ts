/**
 * The embedded playground: chosen panes on one scenario, sized for an iframe. It reports its
 * height and its state to the host page and takes requests from allowed origins only (see
 * protocol.ts).
 */
import type { Scenario } from '../playground/workbench.ts';
import type { EngineState } from '../../worker/api.ts';
import { decodeState } from '../share/link.ts';
import {
  SOURCE,
  allowedOrigins,
  readConfig,
  readHostMessage,
  type EmbedMessage,
} from './protocol.ts';

/** An embed message without its `source` (added when sending). */
type Outgoing = EmbedMessage extends infer M
  ? M extends unknown
    ? Omit<M, 'source'>
    : never
  : never;

export async function startEmbed(root: HTMLElement, gallery: Scenario[]): Promise<void> {
  const config = readConfig(location.search);
  const origins = allowedOrigins(
    location.origin,
    new URLSearchParams(location.search).get('origins'),
  );
  const inFrame = window.parent !== window;
  // Replies go to the embedding page when it is allowed, else nowhere.
  const hostOrigin = (() => {
    try {
      const ref = document.referrer ? new URL(document.referrer).origin : location.origin;
      return origins.has(ref) ? ref : null;
    } catch {
      return null;
    }
  })();
  const post = (m: Outgoing) => {
    if (inFrame && hostOrigin) window.parent.postMessage({ source: SOURCE, ...m }, hostOrigin);
  };
  if (config.theme) document.documentElement.dataset['theme'] = config.theme;

  const [{ startPlaygroundWorker }, { ResilientPlayground }] = await Promise.all([
    import('../../worker/client.ts'),
    import('../../worker/resilient.ts'),
  ]);
  let applyState: (s: EngineState) => void = () => {};
  const playground = new ResilientPlayground({
    start: () => startPlaygroundWorker(),
    onState: (s) => {
      applyState(s);
      post({
        type: 'state',
        revision: s.revision,
        errors: s.diagnostics.filter((d) => d.severity === 'error').length,
        allowed: s.graph.edges.filter((e) => e.source === 'possible' && e.verdict === 'allowed')
          .length,
        denied: s.graph.edges.filter((e) => e.source === 'possible' && e.verdict === 'denied')
          .length,
      });
    },
  });

  const shared = location.hash ? await decodeState(location.hash) : null;
  const pick = (id: string | null) => gallery.find((g) => g.id === id) ?? gallery[0]!;
  let files = shared && 'state' in shared ? shared.state.files : pick(config.scenario).files;
  const scenario = pick(config.scenario);
  const load = async (s: Scenario | null) => {
    if (s) files = s.files;
    await playground.load({
      files,
      zone: s?.zone ?? scenario.zone,
      ...((s ?? scenario).traffic ? { traffic: (s ?? scenario).traffic! } : {}),
    });
  };
  await load(shared && 'state' in shared ? null : scenario);

  const editorEl = root.querySelector<HTMLElement>('[data-role="editor"]')!;
  const terminalEl = root.querySelector<HTMLElement>('[data-role="terminal"]')!;
  const graphEl = root.querySelector<HTMLElement>('[data-role="graph"]')!;
  editorEl.hidden = !config.panes.has('editor');
  terminalEl.hidden = !config.panes.has('terminal');
  graphEl.hidden = !config.panes.has('graph');

  let setMarkers: (s: EngineState) => void = () => {};
  let setGraph: (s: EngineState) => void = () => {};
  let setEditorFiles: (f: { name: string; text: string }[]) => void = () => {};
  if (config.panes.has('editor')) {
    const { mountPolicyEditor } = await import('../editor/PolicyEditor.ts');
    const editor = await mountPolicyEditor(editorEl, {
      files: files.map((f) => ({ ...f, readOnly: config.readOnly })),
      ...(config.theme ? { theme: config.theme } : {}),
      onChange: (name, text) => void playground.setFile(name, text),
    });
    setMarkers = (s) => editor.setMarkers(s.diagnostics);
    setEditorFiles = (f) => editor.setFiles(f.map((x) => ({ ...x, readOnly: config.readOnly })));
  }
  if (config.panes.has('graph')) {
    const { mountFlowGraph } = await import('../graph/FlowGraph.ts');
    const graph = mountFlowGraph(graphEl, {});
    setGraph = (s) => graph.update(s.graph);
  }
  applyState = (s) => {
    setMarkers(s);
    setGraph(s);
  };
  if (config.panes.has('terminal')) {
    const { mountTerminal } = await import('../terminal/Terminal.ts');
    mountTerminal(terminalEl, {
      backend: {
        run: (line) => playground.run(line),
        complete: (l, c) => playground.complete(l, c),
      },
      prompt: '$ ',
      ...(config.theme ? { theme: config.theme } : {}),
    });
  }
  // The state the load brought (the panes were not there yet to show it).
  if (playground.lastState) applyState(playground.lastState);

  window.addEventListener('message', async (event: MessageEvent) => {
    if (!origins.has(event.origin)) return;
    const m = readHostMessage(event.data);
    if (!m) return;
    if (m.type === 'run') {
      const r = await playground.run(m.command);
      post({
        type: 'output',
        command: m.command,
        text: r.out.map((c) => c.text).join(''),
        exitCode: r.exitCode,
      });
    } else if (m.type === 'set-file') {
      if (config.readOnly) return post({ type: 'error', message: 'this embed is read-only' });
      files = [...files.filter((f) => f.name !== m.name), { name: m.name, text: m.text }];
      setEditorFiles(files);
      await playground.setFile(m.name, m.text);
    } else {
      const s = gallery.find((g) => g.id === m.id);
      if (!s) return post({ type: 'error', message: `no scenario "${m.id}"` });
      // The editor has the scenario's files before its state arrives, so markers land on them.
      setEditorFiles(s.files);
      await load(s);
    }
  });

  // Tell the host how tall the content is, so the iframe needs no scroll bar.
  const report = () =>
    post({ type: 'height', height: Math.ceil(document.documentElement.scrollHeight) });
  new ResizeObserver(report).observe(document.body);
  report();
  root.dataset['state'] = 'ready';
  post({ type: 'ready' });
}
