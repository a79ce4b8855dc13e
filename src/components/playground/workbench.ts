/**
 * The free playground: editable files in the policy editor, the terminal and the flow graph on
 * one simulated cluster. Scenarios come from the gallery (each lesson's cluster), from pasted or
 * dropped YAML, or from a share link; the state is saved in localStorage, can be exported as one
 * YAML bundle and shared as a link.
 */
import type { EngineState } from '../../worker/api.ts';
import { decodeState, encodeState, type SharedState } from '../share/link.ts';
import { saveLater } from '../editor/save-later.ts';
import { loadHistory } from '../terminal/history.ts';
import { mountFlowTools } from './flow-tools.ts';
import { mountInspectors } from '../lesson/inspectors.ts';

export interface Scenario {
  id: string;
  title: string;
  files: { name: string; text: string }[];
  zone: Record<string, string[]>;
  traffic?: string;
}

const STORAGE_KEY = 'playground:state';

function loadSaved(): SharedState | null {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as SharedState) : null;
  } catch {
    return null;
  }
}

function save(state: SharedState): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Storage full or disabled: the work stays in the page.
  }
}

/** All files as one multi-document YAML, each document preceded by a comment naming its file. */
export function exportBundle(files: readonly { name: string; text: string }[]): string {
  return files.map((f) => `# file: ${f.name}\n${f.text.replace(/\n*$/, '\n')}`).join('---\n');
}

/** Splits a bundle made by `exportBundle` back into files (plain YAML becomes one file). */
export function importBundle(
  text: string,
  fallbackName = 'pasted.yaml',
): { name: string; text: string }[] {
  const parts = text.split(/^---[ \t]*\n/m);
  const files: { name: string; text: string }[] = [];
  for (const part of parts) {
    const m = /^# file: (\S+)\n/.exec(part);
    if (m) files.push({ name: m[1]!, text: part.slice(m[0].length) });
    else if (files.length > 0) files[files.length - 1]!.text += `---\n${part}`;
    else if (part.trim() !== '') files.push({ name: fallbackName, text: part });
  }
  return files.length > 0 ? files : [{ name: fallbackName, text }];
}

export async function startWorkbench(root: HTMLElement, gallery: Scenario[]): Promise<void> {
  const status = root.querySelector<HTMLElement>('[data-role="status"]')!;
  const say = (t: string) => (status.textContent = t);
  const [{ startPlaygroundWorker }, { ResilientPlayground }, { mountTerminal }] = await Promise.all(
    [
      import('../../worker/client.ts'),
      import('../../worker/resilient.ts'),
      import('../terminal/Terminal.ts'),
    ],
  );
  let applyState: (s: EngineState) => void = () => {};
  const playground = new ResilientPlayground({
    start: () => startPlaygroundWorker(),
    onState: (s) => applyState(s),
    onStatus: (s) =>
      say(
        s.kind === 'ready'
          ? ''
          : `The simulated cluster was restarted: ${s.reason}. Your files are safe.`,
      ),
  });

  // The starting state: a share link, else the saved work, else the first gallery scenario.
  let state: SharedState;
  const fromLink = location.hash ? await decodeState(location.hash) : null;
  if (fromLink && 'state' in fromLink) state = fromLink.state;
  else {
    if (fromLink && 'error' in fromLink && location.hash.startsWith('#s=')) say(fromLink.error);
    const first = gallery[0]!;
    state = loadSaved() ?? {
      v: 1,
      files: first.files,
      zone: first.zone,
      ...(first.traffic ? { traffic: first.traffic } : {}),
      scenario: first.id,
    };
  }

  const terminalEl = root.querySelector<HTMLElement>('[data-role="terminal"]')!;
  const editorEl = root.querySelector<HTMLElement>('[data-role="editor"]')!;
  const graphEl = root.querySelector<HTMLElement>('[data-role="graph"]')!;
  const [{ mountPolicyEditor }, { mountFlowGraph }] = await Promise.all([
    import('../editor/PolicyEditor.ts'),
    import('../graph/FlowGraph.ts'),
  ]);
  const { lenses, connect } = mountInspectors(root, graphEl, playground, mountFlowGraph);
  const saveAfter = saveLater(() => save(state));
  const editor = await mountPolicyEditor(editorEl, {
    files: state.files,
    lenses,
    onChange: (name, text) => {
      state = { ...state, files: state.files.map((f) => (f.name === name ? { name, text } : f)) };
      saveAfter(playground.setFile(name, text));
    },
  });
  const show = connect(editor);
  applyState = (s) => void show(s);

  const load = async (next: SharedState) => {
    state = next;
    save(state);
    // The editor has the files before the load's state arrives (and is shown), so markers land
    // on them.
    editor.setFiles(state.files);
    await playground.load({
      files: state.files,
      zone: state.zone ?? {},
      ...(state.traffic ? { traffic: state.traffic } : {}),
      ...(state.history ? { history: state.history } : {}),
    });
  };
  await load(state);
  const terminal = mountTerminal(terminalEl, {
    backend: { run: (l) => playground.run(l), complete: (l, c) => playground.complete(l, c) },
    prompt: '$ ',
    historyKey: 'playground',
  });

  // Gallery.
  const select = root.querySelector<HTMLSelectElement>('[data-role="gallery"]')!;
  if (state.scenario) select.value = state.scenario;
  select.addEventListener('change', () => {
    const s = gallery.find((g) => g.id === select.value);
    if (!s) return;
    if (!confirm(`Load "${s.title}"? The files in the editor are replaced.`)) return;
    void load({
      v: 1,
      files: s.files,
      zone: s.zone,
      ...(s.traffic ? { traffic: s.traffic } : {}),
      scenario: s.id,
    });
    terminal.focus();
  });

  // Paste or drop YAML.
  const paste = root.querySelector<HTMLTextAreaElement>('[data-role="paste"]')!;
  root.querySelector('[data-role="add-pasted"]')!.addEventListener('click', () => {
    if (paste.value.trim() === '') return;
    const added = importBundle(paste.value, `pasted-${state.files.length + 1}.yaml`);
    const names = new Set(added.map((f) => f.name));
    void load({ ...state, files: [...state.files.filter((f) => !names.has(f.name)), ...added] });
    paste.value = '';
  });
  root.addEventListener('dragover', (e) => e.preventDefault());
  root.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = [...(e.dataTransfer?.files ?? [])].filter((f) => /\.(ya?ml|json)$/i.test(f.name));
    void Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))).then(
      (added) => {
        if (added.length === 0) return;
        const names = new Set(added.map((f) => f.name));
        void load({
          ...state,
          files: [...state.files.filter((f) => !names.has(f.name)), ...added],
        });
      },
    );
  });

  // Export and share.
  root.querySelector('[data-role="export"]')!.addEventListener('click', () => {
    const blob = new Blob([exportBundle(state.files)], { type: 'application/yaml' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'playground.yaml';
    a.click();
    URL.revokeObjectURL(a.href);
  });
  root.querySelector('[data-role="share"]')!.addEventListener('click', async () => {
    const withHistory = root.querySelector<HTMLInputElement>(
      '[data-role="share-history"]',
    )?.checked;
    const shared: SharedState = {
      ...state,
      files: editor.getFiles().map((f) => ({ name: f.name, text: f.text })),
      ...(withHistory ? { history: loadHistory('playground') } : {}),
    };
    const fragment = await encodeState(shared);
    const url = `${location.origin}${location.pathname}#${fragment}`;
    history.replaceState(null, '', `#${fragment}`);
    const out = root.querySelector<HTMLInputElement>('[data-role="share-url"]')!;
    out.value = url;
    out.hidden = false;
    out.select();
    try {
      await navigator.clipboard.writeText(url);
      say('The share link is copied to the clipboard.');
    } catch {
      say('Copy the share link from the field.');
    }
  });
  // Flows from a real cluster, and policies written from the flows seen.
  const tools = root.querySelector<HTMLElement>('[data-role="flow-tools"]');
  if (tools)
    mountFlowTools(tools, {
      backend: playground,
      addFile: (name, text) => {
        const files = [...state.files.filter((f) => f.name !== name), { name, text }];
        state = { ...state, files };
        save(state);
        editor.setFiles(files);
        editor.showFile(name);
        void playground.setFile(name, text);
      },
    });
  root.dataset['state'] = 'ready';
  say('');
}
