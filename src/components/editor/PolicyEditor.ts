/**
 * The policy editor: Monaco with the policy schemas, several files in tabs, engine diagnostics and
 * lint findings (with quick fixes) as markers, "show rule" highlighting and code lenses over
 * rules. This module is small and free of Monaco; Monaco (with its workers and the YAML language
 * service) is fetched by `mountPolicyEditor` the first time an editor mounts.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import { MARKER_OWNER, markersForFile, type EditorDiagnostic } from './diagnostics.ts';
import {
  LINT_MARKER_OWNER,
  lintMarkersForFile,
  quickFixesAt,
  type EditorLintFinding,
} from './lint-markers.ts';
import { TabModel, checkFiles, type EditorFile } from './tabs.ts';
import { EDITOR_THEME_NAMES } from './themes.ts';
import { pageTheme, watchPageTheme, type Theme } from '../theme/theme.ts';
import './PolicyEditor.css';

export type { EditorDiagnostic, DiagnosticSeverity } from './diagnostics.ts';
export { fromEngineDiagnostic } from './diagnostics.ts';
export type { EditorFile } from './tabs.ts';
export type { EditorLintFinding } from './lint-markers.ts';

export type EditorTheme = Theme;

/** A place to show: 1-based, end exclusive; a missing end means the start line's end. */
export interface RevealRange {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

export interface RevealOptions {
  /** Move the keyboard focus into the editor (default false). */
  focus?: boolean;
}

/** A code lens: a line of text drawn above a range of a file. */
export interface EditorLens {
  /** Where it belongs; it is drawn above `startLine`. */
  range: RevealRange;
  title: string;
  /** Shown when the pointer rests on it. */
  tooltip?: string;
  /** Called when the lens is clicked; without it the lens is plain text. */
  select?(): void;
}

/**
 * Where code lenses come from. Monaco asks only for the file shown, once edits have settled for a
 * moment, and again after `refreshLenses`.
 */
export interface LensSource {
  /** The lenses of a file; null keeps the ones shown (e.g. an answer an edit made stale). */
  provide(file: string): Promise<readonly EditorLens[] | null>;
}

export interface PolicyEditorOptions {
  files: EditorFile[];
  /** Called after every edit of a file with its whole new text (not for `setFiles`). */
  onChange?(name: string, text: string): void;
  /** Called when another file's tab is shown. */
  onActiveFileChange?(name: string): void;
  /**
   * Fixed colours; by default the editor follows the page's theme (the toggle's choice, else
   * `prefers-color-scheme`) as it changes.
   */
  theme?: EditorTheme;
  /** How long `reveal` keeps its highlight, in milliseconds (default 3000). */
  revealHighlightMs?: number;
  /** Code lenses over the text (e.g. what each rule allowed and denied). */
  lenses?: LensSource;
}

export interface PolicyEditor {
  /** Replaces every engine marker: each diagnostic goes to its file's text at its exact range. */
  setMarkers(diagnostics: readonly EditorDiagnostic[]): void;
  /**
   * Replaces every lint marker (owner `lint`, apart from the engine's). The findings must be of
   * the files' current text: their fixes are offered as quick fixes (Ctrl+. or the light bulb)
   * until the next edit of the file.
   */
  setLintFindings(findings: readonly EditorLintFinding[]): void;
  /** Shows `file`, scrolls `range` into view and highlights it for a few seconds. */
  reveal(file: string, range: RevealRange, options?: RevealOptions): void;
  /** Replaces the files. Files that stay keep their undo history and view state. */
  setFiles(files: EditorFile[]): void;
  /** The files with their current text. */
  getFiles(): EditorFile[];
  /** Shows a file's tab; returns false when there is no such file. */
  showFile(name: string): boolean;
  /** Asks the lens source again (its data changed without an edit, e.g. new flows). */
  refreshLenses(): void;
  /** The name of the file shown. */
  readonly activeFile: string | undefined;
  /** The Monaco editor, for what this API does not cover. */
  readonly editor: Monaco.editor.IStandaloneCodeEditor;
  dispose(): void;
}

type MonacoModule = typeof import('./monaco.ts');

let loading: Promise<MonacoModule> | undefined;

/** Fetches Monaco (once per page); `mountPolicyEditor` calls it, a page may call it earlier. */
export function loadMonaco(): Promise<MonacoModule> {
  loading ??= import('./monaco.ts').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

let editorCount = 0;

/** Whether the Tab-focus shortcut is Ctrl+Shift+M (Monaco's binding on Apple systems). */
function appleKeys(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Builds the editor in `container` and resolves once Monaco is ready. The tab strip and the
 * keyboard hint appear at once; the container's `data-state` goes from `loading` to `ready` (or
 * `failed`, and the promise rejects).
 */
export async function mountPolicyEditor(
  container: HTMLElement,
  options: PolicyEditorOptions,
): Promise<PolicyEditor> {
  checkFiles(options.files);
  const id = `policy-editor-${++editorCount}`;
  const tabs = new TabModel(options.files);

  container.classList.add('policy-editor');
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', 'Policy editor');
  container.dataset['state'] = 'loading';
  container.replaceChildren();

  const tabList = el('div', 'policy-editor__tabs');
  tabList.setAttribute('role', 'tablist');
  tabList.setAttribute('aria-label', 'Files');
  const hint = el('p', 'policy-editor__hint');
  hint.id = `${id}-hint`;
  const shortcut = appleKeys() ? 'Ctrl+Shift+M' : 'Ctrl+M';
  const key = el('kbd', '', shortcut);
  hint.append(
    'Tab indents inside the editor. Press ',
    key,
    ' to make Tab move the focus instead (and again to switch back). Ctrl+Space completes; hover a field for its meaning.',
  );
  const status = el('p', 'policy-editor__status', 'Loading the editor…');
  status.setAttribute('role', 'status');
  const panel = el('div', 'policy-editor__panel');
  panel.id = `${id}-panel`;
  panel.setAttribute('role', 'tabpanel');
  panel.setAttribute('aria-describedby', hint.id);
  container.append(tabList, hint, status, panel);

  const tabButtons = new Map<string, HTMLButtonElement>();
  /** Shows a file picked in the tab strip; until Monaco is there, only the tabs follow. */
  let selectFromTab = (name: string, focusTab: boolean): void => {
    if (tabs.activate(name)) markActiveTab();
    if (focusTab) tabButtons.get(name)?.focus();
  };

  function renderTabs(): void {
    tabButtons.clear();
    tabList.replaceChildren();
    tabs.list().forEach((file, index) => {
      const button = el('button', 'policy-editor__tab');
      button.type = 'button';
      button.id = `${id}-tab-${index}`;
      button.dataset['file'] = file.name;
      button.setAttribute('role', 'tab');
      button.setAttribute('aria-controls', panel.id);
      button.append(el('span', 'policy-editor__tab-name', file.name));
      if (file.readOnly) {
        button.dataset['readonly'] = 'true';
        button.append(' ', el('span', 'policy-editor__badge', 'read-only'));
      }
      button.addEventListener('click', () => selectFromTab(file.name, false));
      tabList.append(button);
      tabButtons.set(file.name, button);
    });
    markActiveTab();
  }

  function markActiveTab(): void {
    for (const [name, button] of tabButtons) {
      const active = name === tabs.activeFile;
      button.setAttribute('aria-selected', String(active));
      button.tabIndex = active ? 0 : -1;
      if (active) panel.setAttribute('aria-labelledby', button.id);
    }
    container.dataset['activeFile'] = tabs.activeFile ?? '';
  }

  tabList.addEventListener('keydown', (event) => {
    const from = (event.target as HTMLElement).closest<HTMLElement>('[role="tab"]')?.dataset[
      'file'
    ];
    const target = tabs.keyTarget(event.key, from);
    if (target === undefined) return;
    event.preventDefault();
    selectFromTab(target, true);
  });

  renderTabs();

  let monacoModule: MonacoModule;
  try {
    monacoModule = await loadMonaco();
  } catch (error) {
    container.dataset['state'] = 'failed';
    status.textContent = `The editor could not load: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  }
  const { monaco } = monacoModule;

  const models = new Map<string, Monaco.editor.ITextModel>();
  const modelListeners = new Map<string, Monaco.IDisposable>();
  const viewStates = new Map<string, Monaco.editor.ICodeEditorViewState | null>();
  let diagnostics: readonly EditorDiagnostic[] = [];
  /** Set while the editor itself writes text, so `onChange` reports only the user's edits. */
  let settingText = false;

  /**
   * The markers last given to each model, so an unchanged set is not sent again (that would
   * redraw the editor on every keystroke).
   */
  const shownMarkers = new Map<string, string>();
  let lintFindings: readonly EditorLintFinding[] = [];
  const shownLint = new Map<string, string>();
  /** The version of each model's text the lint findings were given for. */
  const lintVersions = new Map<string, number>();

  function createModel(file: EditorFile): void {
    const uri = monaco.Uri.from({ scheme: 'file', path: `/${id}/${file.name}` });
    const model = monaco.editor.createModel(file.text, 'yaml', uri);
    model.updateOptions({ tabSize: 2, insertSpaces: true });
    models.set(file.name, model);
    modelListeners.set(
      file.name,
      model.onDidChangeContent(() => {
        const text = model.getValue();
        tabs.update(file.name, text);
        if (!settingText) options.onChange?.(file.name, text);
      }),
    );
    applyMarkers(file.name);
    applyLintMarkers(file.name);
  }

  function dropModel(name: string): void {
    modelListeners.get(name)?.dispose();
    modelListeners.delete(name);
    models.get(name)?.dispose();
    models.delete(name);
    viewStates.delete(name);
    shownMarkers.delete(name);
    shownLint.delete(name);
    lintVersions.delete(name);
  }

  /** Sets one owner's markers on a file's model, unless they are the ones already shown. */
  function showMarkers(
    name: string,
    owner: string,
    shown: Map<string, string>,
    markersOf: (model: Monaco.editor.ITextModel) => Monaco.editor.IMarkerData[],
  ): void {
    const model = models.get(name);
    if (!model) return;
    const markers = markersOf(model);
    const key = JSON.stringify(markers);
    if (shown.get(name) === key) return;
    shown.set(name, key);
    monaco.editor.setModelMarkers(model, owner, markers);
  }

  function applyMarkers(name: string): void {
    showMarkers(name, MARKER_OWNER, shownMarkers, (model) =>
      markersForFile(diagnostics, name, model),
    );
  }

  function applyLintMarkers(name: string): void {
    showMarkers(name, LINT_MARKER_OWNER, shownLint, (model) =>
      lintMarkersForFile(lintFindings, name, model),
    );
  }

  for (const file of tabs.list()) createModel(file);

  const editor = monaco.editor.create(panel, {
    model: null,
    theme: EDITOR_THEME_NAMES[options.theme ?? pageTheme()],
    automaticLayout: true,
    fixedOverflowWidgets: true,
    minimap: { enabled: false },
    // A wheel turn the editor cannot use (a short file, or its end reached) scrolls the page or
    // the pane around it, rather than stopping there.
    scrollbar: { alwaysConsumeMouseWheel: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    tabSize: 2,
    insertSpaces: true,
    renderLineHighlight: 'line',
    wordBasedSuggestions: 'off',
    quickSuggestions: { other: true, comments: false, strings: true },
    ariaLabel: 'Policy editor',
    // The long-standing hidden-textarea input path rather than the experimental EditContext one:
    // it is what screen readers have been tested with, and it lets text arriving in one piece
    // be handled below.
    editContext: false,
  });

  // Text that arrives in one piece with line breaks (dictation, input tools, an IME commit) is
  // inserted as written, like a paste. Typed character by character, every line break would
  // add the current indentation again and shift the rest of the YAML to the right.
  const onBeforeInput = (event: InputEvent): void => {
    if (event.isComposing) return;
    if (event.inputType !== 'insertText' && event.inputType !== 'insertReplacementText') return;
    const text = event.data ?? event.dataTransfer?.getData('text/plain') ?? '';
    if (!/[\r\n]/.test(text)) return;
    event.preventDefault();
    editor.trigger('keyboard', 'paste', { text });
  };
  panel.addEventListener('beforeinput', onBeforeInput, true);

  function applyTheme(theme: EditorTheme): void {
    // Monaco has one theme per page: every editor on it changes together.
    monaco.editor.setTheme(EDITOR_THEME_NAMES[theme]);
    container.dataset['theme'] = theme;
  }
  const unwatchTheme = options.theme === undefined ? watchPageTheme(applyTheme) : (): void => {};
  applyTheme(options.theme ?? pageTheme());

  function showActiveModel(): void {
    const name = tabs.activeFile;
    const model = name === undefined ? null : (models.get(name) ?? null);
    const file = name === undefined ? undefined : tabs.get(name);
    editor.setModel(model);
    editor.updateOptions({
      readOnly: Boolean(file?.readOnly),
      readOnlyMessage: { value: `${name ?? 'This file'} is read-only.` },
      ariaLabel: file
        ? `Policy editor: ${file.name}${file.readOnly ? ' (read-only)' : ''}`
        : 'Policy editor',
    });
    if (name !== undefined) {
      const state = viewStates.get(name);
      if (state) editor.restoreViewState(state);
    }
    markActiveTab();
  }

  function switchTo(name: string): boolean {
    const previous = tabs.activeFile;
    if (previous !== undefined && previous !== name && models.has(previous))
      viewStates.set(previous, editor.saveViewState());
    if (!tabs.activate(name)) return tabs.activeFile === name;
    showActiveModel();
    options.onActiveFileChange?.(name);
    return true;
  }

  selectFromTab = (name, focusTab) => {
    switchTo(name);
    if (focusTab) tabButtons.get(name)?.focus();
  };

  showActiveModel();

  /** A range given by the page, clamped to the model's text. */
  function rangeIn(model: Monaco.editor.ITextModel, range: RevealRange): Monaco.Range {
    const startLine = Math.min(Math.max(1, Math.trunc(range.startLine)), model.getLineCount());
    const endLine = Math.min(
      Math.max(startLine, Math.trunc(range.endLine ?? startLine)),
      model.getLineCount(),
    );
    return model.validateRange(
      new monaco.Range(
        startLine,
        range.startColumn ?? 1,
        endLine,
        range.endColumn ?? model.getLineMaxColumn(endLine),
      ),
    );
  }

  function fileOf(model: Monaco.editor.ITextModel): string | undefined {
    for (const [name, m] of models) if (m === model) return name;
    return undefined;
  }

  // Code lenses: one provider for this editor's models; clicking a lens runs one command with the
  // lens's key, which maps to its `select`.
  const lensDisposables: Monaco.IDisposable[] = [];
  const lensesChanged = new monaco.Emitter<Monaco.languages.CodeLensProvider>();
  const lensSource = options.lenses;
  let lensProvider: Monaco.languages.CodeLensProvider | undefined;
  if (lensSource) {
    const commandId = `${id}.select-lens`;
    const actions = new Map<string, () => void>();
    const lastLenses = new Map<string, readonly EditorLens[]>();
    let lensCount = 0;
    const provider: Monaco.languages.CodeLensProvider = {
      onDidChange: lensesChanged.event,
      async provideCodeLenses(model, token) {
        const file = fileOf(model);
        if (file === undefined) return null;
        let lenses: readonly EditorLens[] | null = null;
        try {
          lenses = await lensSource.provide(file);
        } catch {
          // The source failed (a restarted worker): keep what is shown.
        }
        if (token.isCancellationRequested || model.isDisposed()) return null;
        lenses ??= lastLenses.get(file) ?? [];
        lastLenses.set(file, lenses);
        const keys: string[] = [];
        return {
          lenses: lenses.map((lens) => {
            const key = `${++lensCount}`;
            if (lens.select) {
              actions.set(key, lens.select);
              keys.push(key);
            }
            return {
              range: rangeIn(model, lens.range),
              command: {
                id: lens.select ? commandId : '',
                title: lens.title,
                ...(lens.tooltip !== undefined ? { tooltip: lens.tooltip } : {}),
                arguments: [key],
              },
            };
          }),
          dispose() {
            for (const key of keys) actions.delete(key);
          },
        };
      },
    };
    lensProvider = provider;
    lensDisposables.push(
      monaco.languages.registerCodeLensProvider({ language: 'yaml', scheme: 'file' }, provider),
      monaco.editor.registerCommand(commandId, (_accessor: unknown, key: unknown) => {
        if (typeof key === 'string') actions.get(key)?.();
      }),
    );
  }

  // Quick fixes: each lint finding's fix, for the markers at the cursor or selection. Applied
  // as one undoable edit that reaches `onChange` like typing.
  const codeActions = monaco.languages.registerCodeActionProvider(
    { language: 'yaml', scheme: 'file' },
    {
      provideCodeActions(model, range) {
        const file = fileOf(model);
        if (file === undefined || tabs.get(file)?.readOnly) return undefined;
        // Fix ranges belong to the text the findings were computed from.
        const version = model.getVersionId();
        if (lintVersions.get(file) !== version) return undefined;
        const actions = quickFixesAt(lintFindings, file, range, model).map(
          (fix): Monaco.languages.CodeAction => ({
            title: fix.title,
            kind: 'quickfix',
            isPreferred: true,
            diagnostics: [fix.marker],
            edit: {
              edits: [
                {
                  resource: model.uri,
                  versionId: version,
                  textEdit: { range: fix.range, text: fix.text },
                },
              ],
            },
          }),
        );
        return { actions, dispose() {} };
      },
    },
    { providedCodeActionKinds: ['quickfix'] },
  );

  let revealDecorations: Monaco.editor.IEditorDecorationsCollection | undefined;
  let revealTimer: ReturnType<typeof setTimeout> | undefined;
  const highlightMs = options.revealHighlightMs ?? 3000;

  function clearReveal(): void {
    if (revealTimer !== undefined) clearTimeout(revealTimer);
    revealTimer = undefined;
    revealDecorations?.clear();
    revealDecorations = undefined;
    delete container.dataset['revealed'];
  }

  let disposed = false;
  const api: PolicyEditor = {
    editor,
    get activeFile() {
      return tabs.activeFile;
    },
    setMarkers(next) {
      diagnostics = [...next];
      for (const name of models.keys()) applyMarkers(name);
    },
    setLintFindings(next) {
      lintFindings = [...next];
      for (const [name, model] of models) {
        lintVersions.set(name, model.getVersionId());
        applyLintMarkers(name);
      }
    },
    reveal(file, range, revealOptions = {}) {
      const model = models.get(file);
      if (!model) return;
      clearReveal();
      switchTo(file);
      const target = rangeIn(model, range);
      editor.setSelection(
        new monaco.Selection(
          target.startLineNumber,
          target.startColumn,
          target.startLineNumber,
          target.startColumn,
        ),
      );
      editor.revealRangeInCenterIfOutsideViewport(target, monaco.editor.ScrollType.Smooth);
      revealDecorations = editor.createDecorationsCollection([
        {
          range: target,
          options: {
            className: 'policy-editor__reveal',
            isWholeLine: target.isEmpty(),
            overviewRuler: {
              color: '#e8a31c',
              position: monaco.editor.OverviewRulerLane.Full,
            },
          },
        },
      ]);
      container.dataset['revealed'] = `${file}:${target.startLineNumber}`;
      revealTimer = setTimeout(clearReveal, highlightMs);
      if (revealOptions.focus) editor.focus();
    },
    setFiles(files) {
      const before = tabs.activeFile;
      if (before !== undefined && models.has(before))
        viewStates.set(before, editor.saveViewState());
      const update = tabs.setFiles(files);
      const active = tabs.activeFile;
      for (const name of update.removed) dropModel(name);
      settingText = true;
      try {
        for (const file of update.kept) {
          const model = models.get(file.name);
          if (!model || model.getValue() === file.text) continue;
          model.pushStackElement();
          model.pushEditOperations(
            [],
            [{ range: model.getFullModelRange(), text: file.text }],
            () => null,
          );
          model.pushStackElement();
        }
      } finally {
        settingText = false;
      }
      for (const file of update.added) createModel(file);
      renderTabs();
      showActiveModel();
      if (active !== undefined && active !== before) options.onActiveFileChange?.(active);
    },
    getFiles() {
      return tabs.list();
    },
    showFile(name) {
      return switchTo(name);
    },
    refreshLenses() {
      if (lensProvider && !disposed) lensesChanged.fire(lensProvider);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      clearReveal();
      unwatchTheme();
      for (const d of lensDisposables) d.dispose();
      codeActions.dispose();
      lensesChanged.dispose();
      panel.removeEventListener('beforeinput', onBeforeInput, true);
      editor.dispose();
      for (const name of [...models.keys()]) dropModel(name);
      container.replaceChildren();
      container.dataset['state'] = 'disposed';
    },
  };

  status.textContent = '';
  container.dataset['state'] = 'ready';
  return api;
}
