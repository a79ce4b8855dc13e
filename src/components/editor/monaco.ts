/**
 * Monaco with YAML support, as one module that the policy editor imports dynamically when it
 * mounts, so the page's own script never carries Monaco. Importing it sets up the web workers and
 * the YAML language service with the policy schemas (once per page).
 */
import * as monaco from 'monaco-editor/editor/editor.api';
// The editor core has no features of its own: these are the ones a YAML policy editor uses
// (Monaco's `features/*/register` modules, plus the two that have none).
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/caretOperations/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/codeEditor/register';
import 'monaco-editor/features/codelens/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/documentSymbols/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/gotoLine/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/inlineProgress/register';
import 'monaco-editor/features/lineSelection/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/links/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/quickCommand/register';
import 'monaco-editor/features/quickHelp/register';
import 'monaco-editor/features/quickOutline/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/features/toggleTabFocusMode/register';
import 'monaco-editor/features/tokenization/register';
import 'monaco-editor/features/unicodeHighlighter/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/wordPartOperations/register';
// YAML syntax colouring (Monaco's Monarch grammar, itself loaded on first use).
import 'monaco-editor/languages/definitions/yaml/register';
import { configureMonacoYaml, type JSONSchema } from 'monaco-yaml';
import { documentAround, isBlank, shiftItemRange, shiftRange } from './completion.ts';
import { manifestSchema } from './schemas/index.ts';
import { EDITOR_THEMES, EDITOR_THEME_NAMES } from './themes.ts';

export { monaco };

for (const theme of ['light', 'dark'] as const)
  monaco.editor.defineTheme(EDITOR_THEME_NAMES[theme], EDITOR_THEMES[theme]);

/** The worker label monaco-yaml asks for. */
const YAML_LABEL = 'yaml';

/** A fresh module worker for a Monaco worker label; Vite bundles each script on its own. */
function createWorker(label: string): Worker {
  if (label === YAML_LABEL)
    return new Worker(new URL('./yaml.worker.ts', import.meta.url), {
      type: 'module',
      name: 'yaml',
    });
  return new Worker(new URL('./editor.worker.ts', import.meta.url), {
    type: 'module',
    name: label,
  });
}

globalThis.MonacoEnvironment = { getWorker: (_moduleId, label) => createWorker(label) };

/** The options monaco-yaml passes when it asks for its worker (the pre-0.55 Monaco API). */
interface LegacyWorkerOptions {
  label?: string;
  moduleId?: string;
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
}

/**
 * Since Monaco 0.55, `editor.createWebWorker` wants a ready Worker and no longer starts one from
 * a label, which monaco-yaml still relies on. This adapter starts the worker itself and performs
 * the start-up handshake that the worker script expects: a first message that makes it install
 * its handler, then the create data (the language service settings), before Monaco's own
 * protocol begins. Monaco's bundled JSON/CSS language features do the same internally.
 */
function createWebWorkerFromLabel(
  opts: LegacyWorkerOptions | monaco.editor.IInternalWebWorkerOptions,
) {
  if ('worker' in opts && opts.worker) return monaco.editor.createWebWorker(opts);
  const legacy = opts as LegacyWorkerOptions;
  const worker = createWorker(legacy.label ?? 'editorWorkerService');
  worker.postMessage('start');
  worker.postMessage(legacy.createData);
  return monaco.editor.createWebWorker({
    worker,
    ...(legacy.host ? { host: legacy.host } : {}),
    ...(legacy.keepIdleModels !== undefined ? { keepIdleModels: legacy.keepIdleModels } : {}),
  });
}

let scratchModels = 0;

/**
 * Wraps monaco-yaml's completion provider: on a blank line that got no proposals in a file of
 * several documents, it asks again about that document alone (see completion.ts) and moves the
 * answer back to the document's place in the file.
 */
function completeInOwnDocument(
  provider: monaco.languages.CompletionItemProvider,
): monaco.languages.CompletionItemProvider {
  return {
    ...provider,
    async provideCompletionItems(model, position, context, token) {
      const result = await provider.provideCompletionItems(model, position, context, token);
      if ((result?.suggestions.length ?? 0) > 0) return result;
      if (!isBlank(model.getLineContent(position.lineNumber))) return result;
      const slice = documentAround(model.getLinesContent(), position.lineNumber);
      if (!slice) return result;
      const scratch = monaco.editor.createModel(
        slice.text,
        'yaml',
        monaco.Uri.from({
          scheme: 'inmemory',
          path: `/policy-editor/completion-${++scratchModels}.yaml`,
        }),
      );
      try {
        const inner = await provider.provideCompletionItems(
          scratch,
          new monaco.Position(position.lineNumber - slice.firstLine + 1, position.column),
          context,
          token,
        );
        if (!inner) return result;
        const lines = slice.firstLine - 1;
        return {
          ...inner,
          suggestions: inner.suggestions.map((item) => ({
            ...item,
            range: shiftItemRange(item.range, lines),
            ...(item.additionalTextEdits
              ? {
                  additionalTextEdits: item.additionalTextEdits.map((edit) => ({
                    ...edit,
                    range: shiftRange(edit.range, lines),
                  })),
                }
              : {}),
          })),
        };
      } finally {
        scratch.dispose();
      }
    },
  };
}

// monaco-yaml gets a view of the Monaco API with the adapters above; the Monaco module itself is
// left as it is.
const monacoForYaml = {
  ...monaco,
  editor: { ...monaco.editor, createWebWorker: createWebWorkerFromLabel },
  languages: {
    ...monaco.languages,
    registerCompletionItemProvider: (
      selector: monaco.languages.LanguageSelector,
      provider: monaco.languages.CompletionItemProvider,
    ) => monaco.languages.registerCompletionItemProvider(selector, completeInOwnDocument(provider)),
  },
} as unknown as typeof monaco;

configureMonacoYaml(monacoForYaml, {
  enableSchemaRequest: false,
  // The policy engine reports problems (as markers of its own); the YAML service only completes,
  // explains on hover and outlines, so nothing is reported twice.
  validate: false,
  completion: true,
  hover: true,
  hoverSchemaSource: false,
  schemas: [
    {
      uri: 'inmemory://policy-editor/schemas/manifest.json',
      fileMatch: ['*'],
      schema: manifestSchema as JSONSchema,
    },
  ],
});
