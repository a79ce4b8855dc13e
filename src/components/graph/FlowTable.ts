/**
 * Tables beside the flow graph: the observed flows (newest first, filterable, virtualised so
 * that ten thousand rows scroll smoothly with only the visible ones in the DOM), and the graph's
 * edges as a plain table, the graph's equivalent for people who do not see it.
 */
import type { FlowRow, GraphEdge } from '../../sim/graph-types.ts';
import { html, setAttrs, setText, syncChildren, uniquePrefix } from './dom.ts';
import { edgeL7, portText, VERDICT_TEXT } from './edges.ts';
import {
  filterFlows,
  flowPort,
  formatTime,
  isFilterEmpty,
  NO_FILTER,
  scrollToRow,
  verdictOptions,
  verdictTone,
  virtualWindow,
  type FlowFilter,
} from './flows.ts';
import './graph.css';

export interface FlowTableOptions {
  /** A row was clicked, or chosen with Enter. */
  onSelectFlow?(row: FlowRow): void;
  /** Names the table for assistive technology; `Flows` by default. */
  label?: string;
}

export interface FlowTableHandle {
  /** The flows, oldest first (as `GraphData.flows` has them). */
  update(rows: readonly FlowRow[]): void;
  /** Changes filters as if typed into the controls. */
  setFilter(filter: Partial<FlowFilter>): void;
  /**
   * Marks the flow with this `seq` as selected and scrolls it into view, without calling
   * `onSelectFlow`; false when no row shown has it (filtered out, or not in the table).
   */
  select(seq: number): boolean;
  dispose(): void;
}

const COLUMNS = ['Time', 'Source', 'Destination', 'Port', 'Summary', 'Verdict', 'Policy'];
/** Row height the CSS sets; measured again after the first render. */
const DEFAULT_ROW_HEIGHT = 30;
/** How long filter typing must pause before the result count is announced. */
const ANNOUNCE_DELAY = 500;

export function mountFlowTable(
  container: HTMLElement,
  options: FlowTableOptions = {},
): FlowTableHandle {
  const prefix = uniquePrefix('flow-table');
  const abort = new AbortController();
  const { signal } = abort;
  const label = options.label ?? 'Flows';

  const root = html('div', { class: 'flow-table' });
  const filters = html('div', {
    class: 'ft-filters',
    role: 'search',
    'aria-label': `Filter ${label.toLowerCase()}`,
  });

  const field = (text: string, control: HTMLElement): HTMLElement => {
    const wrap = html('label', { class: 'ft-field' });
    wrap.append(html('span', { class: 'ft-field-name' }, text), control);
    return wrap;
  };
  const endpointInput = html('input', {
    type: 'search',
    name: 'endpoint',
    placeholder: 'db, dummy/debug, world',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const verdictSelect = html('select', { name: 'verdict' });
  const textInput = html('input', {
    type: 'search',
    name: 'text',
    placeholder: 'GET, 5432, lock-db',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  filters.append(
    field('Namespace or pod', endpointInput),
    field('Verdict', verdictSelect),
    field('Text', textInput),
  );

  const count = html('p', { class: 'ft-count', id: `${prefix}-count` });
  const announcer = html('p', { class: 'fg-visually-hidden', role: 'status' });

  // The table scrolls both ways inside this box (it is wider than a narrow pane). The box takes
  // the focus so a keyboard can scroll it, also while there is no row to focus.
  const scroller = html('div', {
    class: 'ft-scroll',
    tabindex: 0,
    role: 'group',
    'aria-label': `${label} table`,
  });
  const table = html('table', {
    class: 'ft-table',
    'aria-label': `${label}, newest first`,
    'aria-describedby': count.id,
  });
  const colgroup = html('colgroup');
  for (const name of COLUMNS)
    colgroup.append(html('col', { class: `ft-col-${name.toLowerCase()}` }));
  const thead = html('thead');
  const headRow = html('tr', { 'aria-rowindex': 1 });
  for (const name of COLUMNS) headRow.append(html('th', { scope: 'col' }, name));
  thead.append(headRow);
  const tbody = html('tbody');
  const padTop = spacerRow();
  const padBottom = spacerRow();
  table.append(colgroup, thead, tbody);
  scroller.append(table);
  root.append(filters, count, announcer, scroller);
  container.append(root);

  let rows: readonly FlowRow[] = [];
  let filtered: FlowRow[] = [];
  let filter: FlowFilter = { ...NO_FILTER };
  let rowHeight = DEFAULT_ROW_HEIGHT;
  let selectedSeq: number | null = null;
  /** The row that takes Tab focus and moves with the arrow keys. */
  let activeSeq: number | null = null;
  let frame = 0;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;
  const rendered = new Map<FlowRow, HTMLTableRowElement>();
  const rowOf = new WeakMap<HTMLTableRowElement, FlowRow>();
  let emptyRow: HTMLTableRowElement | null = null;

  function spacerRow(): HTMLTableRowElement {
    const tr = html('tr', { class: 'ft-spacer', 'aria-hidden': 'true' });
    tr.append(html('td', { colspan: COLUMNS.length }));
    return tr;
  }

  function setSpacer(tr: HTMLTableRowElement, height: number): void {
    const td = tr.firstElementChild as HTMLElement;
    td.style.height = `${height}px`;
    tr.hidden = height <= 0;
  }

  function makeRow(row: FlowRow): HTMLTableRowElement {
    const tr = html('tr', { class: 'ft-row', tabindex: -1 });
    const policies = row.policies.join(', ');
    const cells: [string, string, string?][] = [
      [formatTime(row.time), 'ft-time', row.time],
      [row.source, 'ft-source'],
      [row.destination, 'ft-destination'],
      [flowPort(row), 'ft-port'],
      [row.summary, 'ft-summary', row.type ? `${row.type}: ${row.summary}` : row.summary],
      [row.verdict, `ft-verdict ft-verdict--${verdictTone(row.verdict)}`],
      [policies, 'ft-policy'],
    ];
    for (const [text, cls, title] of cells)
      tr.append(html('td', { class: cls, title: title ?? (text || undefined) }, text));
    rowOf.set(tr, row);
    return tr;
  }

  function headerHeight(): number {
    return thead.getBoundingClientRect().height;
  }

  function refilter(): void {
    filtered = filterFlows(rows, filter);
    const total = rows.length;
    setText(
      count,
      isFilterEmpty(filter)
        ? `${total} ${total === 1 ? 'flow' : 'flows'}`
        : `${filtered.length} of ${total} ${total === 1 ? 'flow' : 'flows'} match`,
    );
    setAttrs(table, { 'aria-rowcount': filtered.length + 1 });
  }

  function refreshVerdicts(): void {
    const values = verdictOptions(rows);
    if (filter.verdict && !values.includes(filter.verdict)) values.push(filter.verdict);
    const wanted = ['', ...values];
    const current = [...verdictSelect.options].map((o) => o.value);
    if (current.length === wanted.length && current.every((v, i) => v === wanted[i])) return;
    verdictSelect.replaceChildren(
      ...wanted.map((v) => html('option', { value: v }, v === '' ? 'Any verdict' : v)),
    );
    verdictSelect.value = filter.verdict;
  }

  function render(): void {
    frame = 0;
    const head = headerHeight();
    const viewport = Math.max(0, scroller.clientHeight - head);
    const win = virtualWindow(scroller.scrollTop, viewport, rowHeight, filtered.length);
    const focusInside = tbody.contains(document.activeElement);
    const focused = focusInside
      ? rowOf.get(document.activeElement as HTMLTableRowElement)
      : undefined;

    const visible = filtered.slice(win.start, win.end);
    const keep = new Set(visible);
    for (const row of [...rendered.keys()]) if (!keep.has(row)) rendered.delete(row);
    const trs: HTMLTableRowElement[] = [];
    let tabRow: HTMLTableRowElement | null = null;
    visible.forEach((row, i) => {
      let tr = rendered.get(row);
      if (!tr) {
        tr = makeRow(row);
        rendered.set(row, tr);
      }
      setAttrs(tr, {
        'aria-rowindex': win.start + i + 2,
        'aria-current': row.seq === selectedSeq ? 'true' : undefined,
      });
      tr.classList.toggle('is-selected', row.seq === selectedSeq);
      if (row.seq === activeSeq) tabRow = tr;
      trs.push(tr);
    });
    tabRow ??= trs[0] ?? null;
    for (const tr of trs) setAttrs(tr, { tabindex: tr === tabRow ? 0 : -1 });

    setSpacer(padTop, win.padTop);
    setSpacer(padBottom, win.padBottom);
    if (filtered.length === 0) {
      emptyRow ??= (() => {
        const tr = html('tr', { class: 'ft-empty' });
        tr.append(html('td', { colspan: COLUMNS.length }));
        return tr;
      })();
      setText(
        emptyRow.firstElementChild!,
        rows.length === 0 ? 'No flows yet.' : 'No flows match the filters.',
      );
      syncChildren(tbody, [emptyRow]);
    } else syncChildren(tbody, [padTop, ...trs, padBottom]);

    // Rows the browser draws taller or shorter than assumed would make the window drift.
    const sample = trs[0];
    if (sample) {
      const h = sample.getBoundingClientRect().height;
      if (h > 0 && Math.abs(h - rowHeight) > 0.5) {
        rowHeight = h;
        schedule();
      }
    }
    if (focused && !tbody.contains(document.activeElement)) {
      // The focused row scrolled out and came back, or the table was re-filtered.
      const again = rendered.get(focused);
      again?.focus({ preventScroll: true });
    }
  }

  function schedule(): void {
    if (frame === 0 && !signal.aborted) frame = requestAnimationFrame(render);
  }

  function renderNow(): void {
    if (frame !== 0) cancelAnimationFrame(frame);
    render();
  }

  /** Keeps the rows on screen where they are when newer rows arrive above them. */
  function anchoredUpdate(change: () => void): void {
    const top = scroller.scrollTop;
    const index = Math.floor(top / rowHeight);
    const anchor = top > 0 ? filtered[index] : undefined;
    const offset = top - index * rowHeight;
    change();
    if (anchor) {
      const now = filtered.indexOf(anchor);
      if (now >= 0) scroller.scrollTop = now * rowHeight + offset;
    }
  }

  function announceLater(): void {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => setText(announcer, count.textContent ?? ''), ANNOUNCE_DELAY);
  }

  function applyFilter(next: Partial<FlowFilter>): void {
    filter = { ...filter, ...next };
    if (endpointInput.value !== filter.endpoint) endpointInput.value = filter.endpoint;
    if (textInput.value !== filter.text) textInput.value = filter.text;
    refreshVerdicts();
    if (verdictSelect.value !== filter.verdict) verdictSelect.value = filter.verdict;
    refilter();
    scroller.scrollTop = 0;
    renderNow();
    announceLater();
  }

  function select(row: FlowRow): void {
    selectedSeq = row.seq;
    activeSeq = row.seq;
    renderNow();
    options.onSelectFlow?.(row);
  }

  /** Scrolls the table just enough to show the filtered row at `index`. */
  function reveal(index: number): void {
    const target = scrollToRow(
      index,
      scroller.scrollTop,
      scroller.clientHeight,
      rowHeight,
      headerHeight(),
    );
    if (target !== null) scroller.scrollTop = target;
  }

  function moveActive(to: number): void {
    if (filtered.length === 0) return;
    const index = Math.max(0, Math.min(filtered.length - 1, to));
    const row = filtered[index]!;
    activeSeq = row.seq;
    reveal(index);
    renderNow();
    rendered.get(row)?.focus({ preventScroll: true });
  }

  endpointInput.addEventListener('input', () => applyFilter({ endpoint: endpointInput.value }), {
    signal,
  });
  textInput.addEventListener('input', () => applyFilter({ text: textInput.value }), { signal });
  verdictSelect.addEventListener('change', () => applyFilter({ verdict: verdictSelect.value }), {
    signal,
  });
  scroller.addEventListener('scroll', schedule, { signal, passive: true });
  tbody.addEventListener(
    'click',
    (event) => {
      const tr = (event.target as Element).closest('tr');
      const row = tr ? rowOf.get(tr) : undefined;
      if (row) select(row);
    },
    { signal },
  );
  tbody.addEventListener(
    'keydown',
    (event) => {
      const tr = (event.target as Element).closest('tr');
      const row = tr ? rowOf.get(tr) : undefined;
      if (!row) return;
      const index = filtered.indexOf(row);
      const page = Math.max(
        1,
        Math.floor((scroller.clientHeight - headerHeight()) / rowHeight) - 1,
      );
      const moves: Record<string, number> = {
        ArrowDown: index + 1,
        ArrowUp: index - 1,
        PageDown: index + page,
        PageUp: index - page,
        Home: 0,
        End: filtered.length - 1,
      };
      const to = moves[event.key];
      if (to !== undefined) {
        event.preventDefault();
        moveActive(to);
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select(row);
      }
    },
    { signal },
  );
  const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(schedule);
  resize?.observe(scroller);

  refreshVerdicts();
  refilter();
  render();

  return {
    update(next) {
      rows = next;
      refreshVerdicts();
      anchoredUpdate(refilter);
      schedule();
    },
    setFilter(next) {
      applyFilter(next);
    },
    select(seq) {
      const index = filtered.findIndex((r) => r.seq === seq);
      if (index < 0) return false;
      selectedSeq = seq;
      activeSeq = seq;
      reveal(index);
      renderNow();
      return true;
    },
    dispose() {
      abort.abort();
      resize?.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
      clearTimeout(announceTimer);
      root.remove();
      rendered.clear();
    },
  };
}

export interface EdgeTableHandle {
  readonly element: HTMLElement;
  /** Shows the edges (in the order given); `name` turns node ids into display names. */
  update(
    edges: readonly GraphEdge[],
    name: (id: string) => string,
    selectedId: string | null,
  ): void;
}

interface EdgeRowParts {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  button: HTMLButtonElement;
  edge: GraphEdge;
  /** What the row was last drawn from; equal means nothing to touch. */
  drawn?: string;
}

const EDGE_COLUMNS = ['From', 'To', 'Port', 'Verdict', 'Traffic', 'L7', 'Policies'];

/** The graph's edges as a table, one row per edge, each with a button that selects it. */
export function createEdgeTable(onSelect: (edge: GraphEdge) => void): EdgeTableHandle {
  const wrap = html('div', { class: 'edge-table-wrap' });
  const table = html('table', { class: 'edge-table' });
  const caption = html('caption', {}, 'Edges of the flow graph');
  const thead = html('thead');
  const head = html('tr');
  for (const name of EDGE_COLUMNS) head.append(html('th', { scope: 'col' }, name));
  head.append(html('th', { scope: 'col' }, 'Details'));
  thead.append(head);
  const tbody = html('tbody');
  table.append(caption, thead, tbody);
  wrap.append(table);
  const parts = new Map<string, EdgeRowParts>();
  const empty = html('tr', { class: 'edge-table-empty' });
  empty.append(html('td', { colspan: EDGE_COLUMNS.length + 1 }, 'No edges to show.'));

  tbody.addEventListener('click', (event) => {
    const button = (event.target as Element).closest('button');
    const id = button?.closest('tr')?.dataset['edgeId'];
    const part = id === undefined ? undefined : parts.get(id);
    if (part) onSelect(part.edge);
  });

  return {
    element: wrap,
    update(edges, name, selectedId) {
      const seen = new Set<string>();
      const trs: HTMLTableRowElement[] = [];
      for (const edge of edges) {
        seen.add(edge.id);
        let part = parts.get(edge.id);
        if (!part) {
          const tr = html('tr', { 'data-edge-id': edge.id });
          const cells = EDGE_COLUMNS.map(() => html('td'));
          const button = html('button', { type: 'button', class: 'edge-table-select' }, 'Select');
          const last = html('td');
          last.append(button);
          tr.append(...cells, last);
          part = { tr, cells, button, edge };
          parts.set(edge.id, part);
        }
        part.edge = edge;
        const from = name(edge.from);
        const to = name(edge.to);
        const texts = [
          from,
          to,
          portText(edge),
          `${VERDICT_TEXT[edge.verdict]}${edge.flipped ? ' (changed)' : ''}`,
          edge.source === 'observed' ? `observed ×${edge.count}` : 'possible',
          edgeL7(edge) ?? '',
          edge.policies.join(', '),
        ];
        trs.push(part.tr);
        const selected = edge.id === selectedId;
        const drawn = [...texts, edge.verdict, selected].join('\0');
        if (part.drawn === drawn) continue;
        part.drawn = drawn;
        texts.forEach((text, i) => setText(part.cells[i]!, text));
        part.cells[3]!.className = `edge-table-verdict edge-table-verdict--${edge.verdict}`;
        setAttrs(part.tr, {
          class: selected ? 'is-selected' : undefined,
        });
        setAttrs(part.button, {
          'aria-label': `Select the edge from ${from} to ${to} on ${portText(edge)}`,
          'aria-pressed': selected ? 'true' : 'false',
        });
      }
      for (const id of [...parts.keys()]) if (!seen.has(id)) parts.delete(id);
      syncChildren(tbody, trs.length > 0 ? trs : [empty]);
    },
  };
}
