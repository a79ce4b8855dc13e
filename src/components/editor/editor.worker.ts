// Monaco's own worker (diffs, word ranges, link detection), bundled as a module worker.
import 'monaco-editor/editor/editor.worker';
