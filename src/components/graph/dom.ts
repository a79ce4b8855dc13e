/**
 * Small helpers for building the graph's and tables' elements. Text from the data only ever
 * goes through `textContent` and attribute values, never through markup.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

export type Attrs = Record<string, string | number | undefined>;

/** Sets attributes, removing those whose value is undefined; skips unchanged values. */
export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) el.removeAttribute(name);
    else {
      const text = String(value);
      if (el.getAttribute(name) !== text) el.setAttribute(name, text);
    }
  }
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Sets text only when it differs, so unchanged elements are left alone. */
export function setText(el: Node, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Makes `parent`'s children exactly `children`, in order, moving only what is out of place
 * (moving an element would take focus away from it).
 */
export function syncChildren(parent: Element, children: readonly Element[]): void {
  const current = parent.children;
  if (current.length === children.length && children.every((c, i) => current[i] === c)) return;
  const keep = new Set<Element>(children);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  children.forEach((child, i) => {
    const current = parent.children[i];
    if (current !== child) parent.insertBefore(child, current ?? null);
  });
}

let counter = 0;

/** A document-unique id prefix for one mounted component. */
export function uniquePrefix(name: string): string {
  counter += 1;
  return `${name}-${counter}`;
}
