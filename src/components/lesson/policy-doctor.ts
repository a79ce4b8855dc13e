/**
 * The policy doctor in the editor: asks the worker for lint findings once edits and terminal
 * commands have settled, and hands them to the editor as markers with quick fixes.
 *
 * A lesson lints in milliseconds, a cluster of thousands of pods in a second or more, so it is
 * never asked per keystroke: every change restarts a short timer, and only one request is out at
 * a time; changes made while it runs ask once more when it is done. No DOM here: it needs only
 * timers, so tests drive it with fake ones.
 */
import type { LintFinding } from '../../worker/api.ts';

/** How long after the last change the findings are asked for. */
export const LINT_DELAY_MS = 350;

export interface LintScheduler {
  /** Something changed (an edit was answered, a command ran): lint once changes pause. */
  schedule(): void;
  /** Stops asking; an answer still on its way is dropped. */
  dispose(): void;
}

/**
 * `lint` asks the worker and answers null when an edit overtook it (the edit schedules again);
 * `show` gets every other answer.
 */
export function lintScheduler(
  lint: () => Promise<LintFinding[] | null>,
  show: (findings: LintFinding[]) => void,
  delayMs = LINT_DELAY_MS,
): LintScheduler {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let disposed = false;

  function run(): void {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void lint()
      .then(
        (findings) => {
          if (findings && !disposed) show(findings);
        },
        () => {
          // A restarted worker answers the next time; the findings shown stay.
        },
      )
      .finally(() => {
        running = false;
        if (again && !disposed) {
          again = false;
          run();
        }
      });
  }

  return {
    schedule() {
      if (disposed) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(run, delayMs);
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
