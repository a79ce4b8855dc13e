import { describe, expect, it } from 'vitest';
import type { FlowRow } from '../../sim/graph-types.ts';
import {
  filterFlows,
  flowPort,
  formatTime,
  matchesEndpoint,
  NO_FILTER,
  scrollToRow,
  verdictOptions,
  verdictTone,
  virtualWindow,
} from './flows.ts';
import { getOnly, sampleFlows } from './sample.ts';

function row(seq: number, over: Partial<FlowRow> = {}): FlowRow {
  return {
    seq,
    time: `2026-03-02T09:00:${String(seq).padStart(2, '0')}.000Z`,
    source: 'dummy/debug',
    destination: 'db/postgres-0',
    port: 5432,
    protocol: 'TCP',
    type: 'Policy denied',
    verdict: 'DROPPED',
    summary: 'TCP Flags: SYN',
    policies: [],
    ...over,
  };
}

const rows: FlowRow[] = [
  row(0),
  row(1, {
    source: 'db/flask-app-6c9f8d7b5-2xk4q',
    verdict: 'FORWARDED',
    type: 'to-endpoint',
    policies: ['CiliumNetworkPolicy db/lock-db'],
  }),
  row(2, {
    source: 'world',
    destination: 'db/flask-app-6c9f8d7b5-8jz7m',
    port: 5000,
    type: 'http-request',
    verdict: 'FORWARDED',
    summary: 'HTTP/1.1 GET http://flask-app-service.db/',
  }),
  row(3, { source: 'db/debug', destination: 'kube-system/coredns-1', port: 53, protocol: 'UDP' }),
];

const seqs = (list: FlowRow[]) => list.map((r) => r.seq);

describe('filterFlows', () => {
  it('returns every row, newest first, without filters', () => {
    expect(seqs(filterFlows(rows, NO_FILTER))).toEqual([3, 2, 1, 0]);
  });

  it('matches namespaces exactly and pod names in part', () => {
    expect(matchesEndpoint('db/postgres-0', 'db')).toBe(true);
    expect(matchesEndpoint('dummy/debug', 'db')).toBe(false);
    expect(matchesEndpoint('dummy/debug', 'debug')).toBe(true);
    expect(matchesEndpoint('db/debug', 'DB/DEB')).toBe(true);
    expect(matchesEndpoint('world', 'world')).toBe(true);
    expect(matchesEndpoint('api.github.com', 'github')).toBe(true);
    expect(seqs(filterFlows(rows, { ...NO_FILTER, endpoint: 'dummy' }))).toEqual([0]);
    expect(seqs(filterFlows(rows, { ...NO_FILTER, endpoint: 'kube-system' }))).toEqual([3]);
    expect(seqs(filterFlows(rows, { ...NO_FILTER, endpoint: 'flask' }))).toEqual([2, 1]);
    // Every word must match one end.
    expect(seqs(filterFlows(rows, { ...NO_FILTER, endpoint: 'world flask' }))).toEqual([2]);
  });

  it('filters by exact verdict and by free text anywhere in the row', () => {
    expect(seqs(filterFlows(rows, { ...NO_FILTER, verdict: 'FORWARDED' }))).toEqual([2, 1]);
    expect(seqs(filterFlows(rows, { ...NO_FILTER, text: 'get http' }))).toEqual([2]);
    expect(seqs(filterFlows(rows, { ...NO_FILTER, text: 'LOCK-DB' }))).toEqual([1]);
    expect(seqs(filterFlows(rows, { ...NO_FILTER, text: '543' }))).toEqual([1, 0]);
    expect(seqs(filterFlows(rows, { ...NO_FILTER, text: '09:00:02' }))).toEqual([2]);
    expect(seqs(filterFlows(rows, { endpoint: 'db', verdict: 'DROPPED', text: 'udp' }))).toEqual([
      3,
    ]);
  });

  it('filters ten thousand rows quickly', () => {
    const many = sampleFlows(getOnly().nodes, getOnly().edges, 10_000);
    expect(many).toHaveLength(10_000);
    const start = performance.now();
    const dropped = filterFlows(many, { endpoint: 'dummy', verdict: 'DROPPED', text: 'syn' });
    expect(performance.now() - start).toBeLessThan(500);
    expect(dropped.length).toBeGreaterThan(0);
    for (const r of dropped) {
      expect(r.verdict).toBe('DROPPED');
      expect(`${r.source} ${r.destination}`).toContain('dummy/');
    }
  });

  it('lists verdicts and formats cells', () => {
    expect(verdictOptions(rows)).toEqual(['DROPPED', 'FORWARDED']);
    expect(formatTime('2026-03-02T09:00:01.250Z')).toBe('09:00:01.250');
    expect(formatTime('yesterday')).toBe('yesterday');
    expect(flowPort(rows[3]!)).toBe('53/UDP');
    expect(flowPort({ port: null, protocol: 'ICMPv4' })).toBe('ICMPv4');
    expect(verdictTone('FORWARDED')).toBe('allowed');
    expect(verdictTone('ALLOWED')).toBe('allowed');
    expect(verdictTone('DENIED')).toBe('denied');
    expect(verdictTone('DROPPED')).toBe('denied');
    expect(verdictTone('AUDITED')).toBe('other');
  });
});

describe('virtualWindow', () => {
  it('covers the visible rows plus overscan on each side', () => {
    // 300 px viewport, 30 px rows: rows 100..109 visible at scrollTop 3000.
    expect(virtualWindow(3000, 300, 30, 10_000, 5)).toEqual({
      start: 95,
      end: 115,
      padTop: 95 * 30,
      padBottom: (10_000 - 115) * 30,
    });
  });

  it('keeps the total height: spacers plus rendered rows', () => {
    for (const top of [0, 17, 1234, 299_700, 400_000]) {
      const w = virtualWindow(top, 320, 30, 10_000);
      expect(w.padTop + (w.end - w.start) * 30 + w.padBottom).toBe(10_000 * 30);
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(320 / 30) + 1 + 16);
    }
  });

  it('clamps at both ends and handles empty tables', () => {
    expect(virtualWindow(0, 300, 30, 10_000, 4)).toMatchObject({ start: 0, end: 14, padTop: 0 });
    expect(virtualWindow(-50, 300, 30, 3)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    const last = virtualWindow(1e9, 300, 30, 100, 4);
    expect(last).toMatchObject({ start: 100, end: 100, padBottom: 0 });
    expect(virtualWindow(0, 300, 30, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
    expect(virtualWindow(0, 300, 0, 10)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });

  it('scrolls just enough to bring a row into view', () => {
    // Viewport 330 px with a 30 px sticky header: 10 rows fit.
    expect(scrollToRow(5, 0, 330, 30, 30)).toBeNull();
    expect(scrollToRow(10, 0, 330, 30, 30)).toBe(30);
    expect(scrollToRow(3, 300, 330, 30, 30)).toBe(90);
    expect(scrollToRow(12, 300, 330, 30, 30)).toBeNull();
  });
});

describe('sample flows', () => {
  it('are about two hundred, oldest first, and the same every time', () => {
    const data = getOnly();
    expect(data.flows.length).toBe(200);
    const times = data.flows.map((r) => Date.parse(r.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(getOnly().flows).toEqual(data.flows);
    expect(new Set(data.flows.map((r) => r.verdict))).toEqual(
      new Set(['ALLOWED', 'DENIED', 'DROPPED', 'FORWARDED']),
    );
  });
});
