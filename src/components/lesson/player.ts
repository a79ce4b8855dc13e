/**
 * The lesson player on the page: the learner's files in the policy editor, the terminal, the flow
 * graph and the step's check list, all driven by one playground worker.
 *
 * Every edit goes to the worker (latest wins); the answer updates the editor's markers, the graph
 * and the checks. The learner's files and the steps already passed are saved per lesson in
 * localStorage and restored on reload, so nothing typed is lost.
 */
import type { Lesson, LessonFile } from '../../lessons/model.ts';
import type { CheckResult } from '../../lessons/checks.ts';
import type { EngineState } from '../../worker/api.ts';
import { saveLater } from '../editor/save-later.ts';
import { loadHistory } from '../terminal/history.ts';
import { mountInspectors } from './inspectors.ts';
import { showCheck } from './show-rule.ts';

interface Saved {
  files: LessonFile[];
  passed: string[];
}

const storageKey = (id: string) => `lesson:${id}`;

function loadSaved(id: string): Saved | null {
  try {
    const raw = globalThis.localStorage?.getItem(storageKey(id));
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Saved>;
    if (!Array.isArray(v.files)) return null;
    const files = v.files.filter(
      (f): f is LessonFile => typeof f?.name === 'string' && typeof f?.text === 'string',
    );
    return { files, passed: Array.isArray(v.passed) ? v.passed.map(String) : [] };
  } catch {
    return null;
  }
}

function save(id: string, state: Saved): void {
  try {
    globalThis.localStorage?.setItem(storageKey(id), JSON.stringify(state));
  } catch {
    // Storage full or disabled: the work stays in the page until it is closed.
  }
}

/** Which lessons count as finished, for the index page. */
export function lessonProgress(id: string, checkIds: readonly string[]): number {
  const saved = loadSaved(id);
  if (!saved || checkIds.length === 0) return 0;
  return checkIds.filter((c) => saved.passed.includes(c)).length / checkIds.length;
}

/** A line diff for "show solution": unchanged, removed (`-`) and added (`+`) lines. */
export function lineDiff(before: string, after: string): { op: ' ' | '-' | '+'; line: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence; lesson files are short.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: { op: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', line: a[i++]! });
    else out.push({ op: '+', line: b[j++]! });
  }
  while (i < a.length) out.push({ op: '-', line: a[i++]! });
  while (j < b.length) out.push({ op: '+', line: b[j++]! });
  return out;
}

/** Runs `f` once the next frame has been painted (a task queued from that frame's callback). */
function afterPaint(f: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => f();
    channel.port2.postMessage(null);
  });
}

export async function startLesson(root: HTMLElement, lesson: Lesson): Promise<void> {
  const status = root.querySelector<HTMLElement>('[data-role="status"]');
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  const saved = loadSaved(lesson.id);
  let learnerFiles: LessonFile[] = saved?.files.length ? saved.files : lesson.start;
  const passed = new Set(saved?.passed ?? []);

  const [{ startPlaygroundWorker }, { ResilientPlayground }, { mountTerminal }] = await Promise.all(
    [
      import('../../worker/client.ts'),
      import('../../worker/resilient.ts'),
      import('../terminal/Terminal.ts'),
    ],
  );

  let applyState: (state: EngineState) => void = () => {};
  const playground = new ResilientPlayground({
    start: () => startPlaygroundWorker(),
    onState: (state) => applyState(state),
    onStatus: (s) =>
      say(
        s.kind === 'restarted'
          ? `The simulated cluster stopped answering and was restarted (${s.reason}). Your files are safe.`
          : s.kind === 'failed'
            ? `The simulated cluster could not be restarted: ${s.reason}`
            : '',
      ),
  });
  const historyKey = `lesson:${lesson.id}:history`;
  await playground.load({
    files: [
      ...lesson.cluster.map((f) => ({ name: `cluster/${f.name}`, text: f.text })),
      ...learnerFiles,
    ],
    workspace: lesson.workspace,
    zone: lesson.zone,
    ...(lesson.traffic ? { traffic: lesson.traffic } : {}),
    history: loadHistory(historyKey),
  });

  // --- terminal --------------------------------------------------------------------------
  const terminalEl = root.querySelector<HTMLElement>('[data-role="terminal"]')!;
  const terminal = mountTerminal(terminalEl, {
    backend: {
      run: async (line) => {
        const r = await playground.run(line);
        void refreshChecks();
        return r;
      },
      complete: (line, cursor) => playground.complete(line, cursor),
    },
    prompt: '$ ',
    historyKey,
  });
  for (const button of root.querySelectorAll<HTMLButtonElement>('[data-command]'))
    button.addEventListener('click', () => {
      terminal.type(button.dataset['command'] ?? '');
      terminal.focus();
    });

  // --- checks ----------------------------------------------------------------------------
  // Looked up once: the markup of the checks never changes, and they are shown every keystroke.
  const checkEls = new Map<string, { el: HTMLElement; detail: HTMLElement | null }>();
  for (const el of root.querySelectorAll<HTMLElement>('[data-check-id]'))
    checkEls.set(el.dataset['checkId']!, {
      el,
      detail: el.querySelector<HTMLElement>('[data-role="detail"]'),
    });
  const stepEls = [...root.querySelectorAll<HTMLElement>('[data-step]')].map((el) => ({
    el,
    checks: [...el.querySelectorAll<HTMLElement>('[data-check-id]')],
  }));
  const showChecks = (results: CheckResult[][]) => {
    const passedBefore = passed.size;
    // Only what changed is written: this runs on every keystroke.
    const set = (el: HTMLElement, key: string, value: string) => {
      if (el.dataset[key] !== value) el.dataset[key] = value;
    };
    for (const r of results.flat()) {
      const check = checkEls.get(r.id);
      if (!check) continue;
      set(check.el, 'passed', String(r.passed));
      const text = r.passed ? '' : r.detail;
      if (check.detail && check.detail.textContent !== text) check.detail.textContent = text;
      if (r.passed) passed.add(r.id);
    }
    for (const step of stepEls) {
      const done =
        step.checks.length > 0 && step.checks.every((el) => el.dataset['passed'] === 'true');
      set(step.el, 'done', String(done));
    }
    // Files are saved as each edit is answered; progress also when a check first passes.
    if (passed.size !== passedBefore) save(lesson.id, { files: learnerFiles, passed: [...passed] });
  };

  const refreshChecks = async () => {
    try {
      showChecks(await playground.checks(lesson.steps));
    } catch {
      // A restarted worker answers the next time.
    }
  };

  // --- predictions -----------------------------------------------------------------------
  for (const el of root.querySelectorAll<HTMLElement>('[data-predict]')) {
    const step = lesson.steps[Number(el.dataset['predict'])];
    const predict = step?.predict;
    if (!predict) continue;
    for (const button of el.querySelectorAll<HTMLButtonElement>('[data-answer]'))
      button.addEventListener('click', async () => {
        const results = await playground.checks([
          {
            checks: [
              {
                id: 'predict',
                description: predict.question,
                probe: predict.probe,
                expect: 'allowed',
              },
            ],
          },
        ]);
        const actual = results[0]?.[0]?.passed ? 'allowed' : 'denied';
        const out = el.querySelector<HTMLElement>('[data-role="answer"]');
        if (out)
          out.textContent = `${button.dataset['answer'] === actual ? 'Right' : 'Not quite'}: it is ${actual}. ${predict.explanation}`;
      });
  }

  // --- editor and graph (their code loads now, in their own chunks) ----------------------
  const editorEl = root.querySelector<HTMLElement>('[data-role="editor"]')!;
  const graphEl = root.querySelector<HTMLElement>('[data-role="graph"]')!;
  const [{ mountPolicyEditor }, { mountFlowGraph }] = await Promise.all([
    import('../editor/PolicyEditor.ts'),
    import('../graph/FlowGraph.ts'),
  ]);
  const { lenses, explainOut, ui, connect } = mountInspectors(
    root,
    graphEl,
    playground,
    mountFlowGraph,
  );
  // "Show rule" for a check: its probe, explained under the current policies.
  for (const button of root.querySelectorAll<HTMLButtonElement>('[data-explain-check]'))
    button.addEventListener('click', () => {
      const id = button.dataset['explainCheck'];
      const check = lesson.steps.flatMap((s) => s.checks).find((c) => c.id === id);
      if (check && explainOut)
        void showCheck(check, (probe) => playground.explainProbe(probe), ui.editor, explainOut);
    });
  let edits = 0;
  const saveAfter = saveLater(() => save(lesson.id, { files: learnerFiles, passed: [...passed] }));
  // Only the checks cross to the worker with each edit, not the steps' prose.
  const stepChecks = lesson.steps.map((step) => ({ checks: step.checks }));
  /** The graph's drawing of the newest state (resolves once drawn). */
  let drawn: Promise<void> = Promise.resolve();
  const editor = await mountPolicyEditor(editorEl, {
    files: [
      ...learnerFiles.map((f) => ({ name: f.name, text: f.text })),
      ...lesson.cluster.map((f) => ({ name: `cluster/${f.name}`, text: f.text, readOnly: true })),
    ],
    lenses,
    onChange: (name, text) => {
      if (name.startsWith('cluster/')) return;
      // Timed for the site benchmark: from the edit to graph, markers and checks updated in the
      // page (`edit-to-update`), and to the frame that shows them painted (`edit-to-paint`).
      const mark = `edit-${++edits}`;
      performance.mark(mark);
      const answer = playground.setFile(name, text, stepChecks);
      learnerFiles = learnerFiles.map((f) => (f.name === name ? { name, text } : f));
      saveAfter(
        answer.then(async (state) => {
          if (!state) {
            performance.clearMarks(mark);
            return;
          }
          if (state.checks) showChecks(state.checks);
          await drawn;
          performance.measure('edit-to-update', mark);
          afterPaint(() => {
            performance.measure('edit-to-paint', mark);
            performance.clearMarks(mark);
          });
        }),
      );
    },
  });
  const show = connect(editor);
  applyState = (state) => {
    drawn = show(state);
  };
  if (playground.lastState) applyState(playground.lastState);
  await refreshChecks();

  // --- reset and solution ------------------------------------------------------------------
  root.querySelector('[data-role="reset"]')?.addEventListener('click', () => {
    if (!confirm('Put the starting files back? Your changes to them are discarded.')) return;
    learnerFiles = lesson.start.map((f) => ({ ...f }));
    editor.setFiles([
      ...learnerFiles.map((f) => ({ name: f.name, text: f.text })),
      ...lesson.cluster.map((f) => ({ name: `cluster/${f.name}`, text: f.text, readOnly: true })),
    ]);
    for (const f of learnerFiles) void playground.setFile(f.name, f.text);
    passed.clear();
    save(lesson.id, { files: learnerFiles, passed: [] });
    void refreshChecks();
  });
  const solutionEl = root.querySelector<HTMLElement>('[data-role="solution"]');
  root.querySelector('[data-role="show-solution"]')?.addEventListener('click', () => {
    if (!solutionEl) return;
    solutionEl.replaceChildren();
    for (const sol of lesson.solution) {
      const mine = learnerFiles.find((f) => f.name === sol.name)?.text ?? '';
      const heading = document.createElement('h3');
      heading.textContent = sol.name;
      const pre = document.createElement('pre');
      pre.className = 'diff';
      for (const d of lineDiff(mine, sol.text)) {
        const line = document.createElement('span');
        line.className = d.op === '+' ? 'add' : d.op === '-' ? 'del' : 'same';
        line.textContent = `${d.op} ${d.line}\n`;
        pre.append(line);
      }
      solutionEl.append(heading, pre);
    }
    solutionEl.hidden = false;
  });
  root.dataset['state'] = 'ready';
  say('');
}
