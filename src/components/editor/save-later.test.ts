import { afterEach, expect, test, vi } from 'vitest';
import { saveLater } from './save-later.ts';

/** A page with its `pagehide` and `visibilitychange` listeners, to fire by hand. */
function fakePage() {
  const listeners = new Map<string, (() => void)[]>();
  const on = (type: string, f: () => void) =>
    listeners.set(type, [...(listeners.get(type) ?? []), f]);
  const document = { visibilityState: 'visible', addEventListener: on };
  vi.stubGlobal('addEventListener', on);
  vi.stubGlobal('document', document);
  const fire = (type: string) => (listeners.get(type) ?? []).forEach((f) => f());
  return { document, fire };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

test('saves once the answer comes, not before, and only what is unsaved', async () => {
  fakePage();
  const save = vi.fn();
  const after = saveLater(save);
  let answer!: () => void;
  after(new Promise<void>((resolve) => (answer = resolve)));
  await Promise.resolve();
  expect(save).not.toHaveBeenCalled();
  answer();
  await vi.waitFor(() => expect(save).toHaveBeenCalledTimes(1));
  // A failed answer saves too.
  after(Promise.reject(new Error('worker replaced')).catch(() => {}));
  await vi.waitFor(() => expect(save).toHaveBeenCalledTimes(2));
});

test('saves at once when the page is left or hidden before the answer', () => {
  const page = fakePage();
  const save = vi.fn();
  const after = saveLater(save);
  after(new Promise(() => {}));
  page.fire('pagehide');
  expect(save).toHaveBeenCalledTimes(1);
  // Nothing new to save: leaving again writes nothing.
  page.fire('pagehide');
  expect(save).toHaveBeenCalledTimes(1);
  after(new Promise(() => {}));
  page.fire('visibilitychange');
  expect(save).toHaveBeenCalledTimes(1);
  page.document.visibilityState = 'hidden';
  page.fire('visibilitychange');
  expect(save).toHaveBeenCalledTimes(2);
});
