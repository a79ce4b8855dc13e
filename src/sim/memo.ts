/**
 * One remembered value and the inputs it was computed from. The inputs are compared by identity
 * (the engine's objects are replaced, never changed, when something changes), so asking again
 * with the same inputs costs a comparison of a few references.
 */
export class Memo<T> {
  private last: { key: readonly unknown[]; value: T } | null = null;

  /** The value for `key`: the remembered one when every input is the same, else `compute()`. */
  get(key: readonly unknown[], compute: () => T): T {
    const last = this.last;
    if (last && last.key.length === key.length && last.key.every((k, i) => k === key[i]))
      return last.value;
    const value = compute();
    this.last = { key, value };
    return value;
  }
}
