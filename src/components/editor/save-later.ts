/**
 * Saving a learner's edits without slowing the keystroke: the work is saved once the engine has
 * answered the edit, or at once if the page is hidden or left before that. Used by the lesson
 * player and the playground around their editor's `onChange`.
 */
export function saveLater(save: () => void): (answer: Promise<unknown>) => void {
  let unsaved = false;
  const flush = () => {
    if (!unsaved) return;
    unsaved = false;
    save();
  };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  /** Marks the work unsaved until `answer` settles. */
  return (answer) => {
    unsaved = true;
    void answer.finally(flush);
  };
}
