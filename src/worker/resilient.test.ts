/** Latest-wins edits and the watchdog, with in-process and deliberately stuck backends. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { EngineState, SentState } from './api.ts';
import { Playground } from './playground.ts';
import { ResilientPlayground, type BackendHandle, type WorkerStatus } from './resilient.ts';

const CLUSTER = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
`;
const policy = (n: number) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p${n}, namespace: shop}
spec:
  endpointSelector: {}
  ingress: [{}]
`;

/**
 * A backend that answers after `delay(method)` ms, or never when it returns null. With `inOrder`
 * it works like a real worker: one call at a time, each waiting for the ones before it.
 */
function fakeBackend(
  delay: (method: string, arg: unknown) => number | null,
  { inOrder = false } = {},
): () => BackendHandle {
  return () => {
    const p = new Playground();
    let queue: Promise<unknown> = Promise.resolve();
    const later = <T>(method: string, arg: unknown, f: () => T) => {
      const answer = (): Promise<T> =>
        new Promise<T>((resolve) => {
          const ms = delay(method, arg);
          if (ms !== null) setTimeout(() => resolve(f()), ms);
        });
      if (!inOrder) return answer();
      const next = queue.then(answer);
      queue = next;
      return next;
    };
    return {
      api: {
        load: (r) => later('load', r, () => p.load(r)),
        run: (l) => later('run', l, () => p.run(l)),
        complete: (l, c) => later('complete', l, () => p.complete(l, c)),
        prompt: () => p.prompt(),
        setFile: (n, t, steps, have) => later('setFile', t, () => p.setFile(n, t, steps, have)),
        removeFile: (n, have) => later('removeFile', n, () => p.removeFile(n, have)),
        state: (have) => later('state', have, () => p.state(have)),
        checks: (steps) => later('checks', steps, () => p.checks(steps)),
        explain: (f, t, port, proto) => later('explain', f, () => p.explain(f, t, port, proto)),
        importFlows: (text) => later('importFlows', text, () => p.importFlows(text)),
        generatePolicies: (o) => later('generatePolicies', o, () => p.generatePolicies(o)),
        explainFlow: (seq) => later('explainFlow', seq, () => p.explainFlow(seq)),
        explainProbe: (probe) => later('explainProbe', probe, () => p.explainProbe(probe)),
        ruleFlows: (file) => later('ruleFlows', file, () => p.ruleFlows(file)),
        lint: () => later('lint', null, () => p.lint()),
      },
      terminate: () => {},
    };
  };
}

describe('latest wins', () => {
  test('an older edit answering last does not replace the newer state', async () => {
    const shown: EngineState[] = [];
    // The first edit is slow, the second fast: the second's answer arrives first.
    const client = new ResilientPlayground({
      start: fakeBackend((m, arg) => (m === 'setFile' && arg === policy(1) ? 50 : 1)),
      onState: (s) => shown.push(s),
    });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    const [first, second] = await Promise.all([
      client.setFile('policy.yaml', policy(1)),
      client.setFile('policy.yaml', policy(2)),
    ]);
    expect(first).toBeNull();
    expect(second).not.toBeNull();
    expect(client.lastState).toBe(second);
    expect(shown.at(-1)).toBe(second);
  });
});

describe('rule flows', () => {
  test('an answer an edit overtook comes back as null', async () => {
    const client = new ResilientPlayground({
      start: fakeBackend((m) => (m === 'ruleFlows' ? 30 : 1)),
    });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    await client.setFile('policy.yaml', policy(1));
    const stale = client.ruleFlows('policy.yaml');
    await client.setFile('policy.yaml', policy(2));
    expect(await stale).toBeNull();
    const fresh = await client.ruleFlows('policy.yaml');
    expect(fresh?.map((l) => l.label)).toEqual(['CiliumNetworkPolicy shop/p2 spec.ingress[0]']);
  });
});

describe('lint', () => {
  // A policy that is enforced (its egress isolates) but whose `ingress: []` does not.
  const emptyIngress = `${policy(1).replace('[{}]', '[]')}  egress: [{}]\n`;

  test('an answer an edit overtook comes back as null', async () => {
    const client = new ResilientPlayground({
      start: fakeBackend((m) => (m === 'lint' ? 30 : 1)),
    });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    await client.setFile('policy.yaml', emptyIngress);
    const stale = client.lint();
    await client.setFile('policy.yaml', policy(2));
    expect(await stale).toBeNull();
    expect(await client.lint()).toEqual([]);
    await client.setFile('policy.yaml', emptyIngress);
    expect((await client.lint())?.map((f) => `${f.file}:${f.startLine} ${f.code}`)).toEqual([
      'policy.yaml:6 empty-list-no-default-deny',
    ]);
  });

  test('an edit waiting for a slow lint does not get the worker replaced either', async () => {
    const statuses: WorkerStatus[] = [];
    const shown: EngineState[] = [];
    const client = new ResilientPlayground({
      timeoutMs: 40,
      start: fakeBackend((m) => (m === 'lint' ? 100 : 1), { inOrder: true }),
      onStatus: (s) => statuses.push(s),
      onState: (s) => shown.push(s),
    });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    const findings = client.lint();
    // Typed while the worker lints: answered once the lint is done, well after 40 ms.
    const edit = await client.setFile('policy.yaml', emptyIngress);
    expect(edit).not.toBeNull();
    expect(shown.at(-1)).toBe(edit);
    expect(await findings).toBeNull();
    expect(statuses).toEqual([]);
    // The next call has the normal watchdog again.
    expect(await client.refresh()).not.toBeNull();
  });

  test('a slow lint does not get the worker replaced', async () => {
    const statuses: WorkerStatus[] = [];
    let starts = 0;
    const client = new ResilientPlayground({
      timeoutMs: 30,
      start: () => {
        starts++;
        return fakeBackend((m) => (m === 'lint' ? 80 : 0))();
      },
      onStatus: (s) => statuses.push(s),
    });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    expect(await client.lint()).toEqual([]);
    expect(starts).toBe(1);
    expect(statuses).toEqual([]);
  });
});

describe('watchdog', () => {
  test('a stuck worker is replaced, the last good state stays and the status says so', async () => {
    const statuses: WorkerStatus[] = [];
    let starts = 0;
    const client = new ResilientPlayground({
      timeoutMs: 100,
      start: () => {
        starts++;
        const stuck = starts === 1;
        // The first worker hangs on a particular edit; its replacement answers everything.
        return fakeBackend((m, arg) => (stuck && m === 'setFile' && arg === 'hang' ? null : 1))();
      },
      onStatus: (s) => statuses.push(s),
    });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    const good = await client.setFile('policy.yaml', policy(1));
    expect(good).not.toBeNull();
    expect(await client.setFile('policy.yaml', 'hang')).toBeNull();
    expect(starts).toBe(2);
    expect(statuses).toEqual([
      { kind: 'restarted', reason: 'the engine did not answer within 100 ms' },
    ]);
    expect(client.lastState).toBe(good);
    // The replacement has the files, including the edit that was in flight.
    const after = await client.refresh();
    expect(after?.diagnostics.some((d) => d.file === 'policy.yaml')).toBe(true);
    const r = await client.run('kubectl get pods -n shop');
    expect(r.out.map((c) => c.text).join('')).toContain('web');
  });
});

describe('bulk calls', () => {
  test('an import may take longer than an edit without the worker being replaced', async () => {
    const statuses: WorkerStatus[] = [];
    const rp = new ResilientPlayground({
      start: fakeBackend((method) => (method === 'importFlows' ? 60 : 0)),
      onStatus: (s) => statuses.push(s),
      timeoutMs: 30,
    });
    await rp.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    expect(await rp.importFlows('')).toEqual({ imported: 0, problems: [] });
    expect(statuses).toEqual([]);
  });
});

describe('flow rows', () => {
  test('cross to the page once; answers to edits that leave the buffer alone reuse them', async () => {
    const sent: SentState[] = [];
    const start = (): BackendHandle => {
      const handle = fakeBackend(() => 0, { inOrder: true })();
      const { setFile, state } = handle.api;
      handle.api.setFile = async (...args) => {
        const s = await setFile(...args);
        sent.push(s);
        return s;
      };
      handle.api.state = async (...args) => {
        const s = await state(...args);
        sent.push(s);
        return s;
      };
      return handle;
    };
    const client = new ResilientPlayground({ start });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    const exported = readFileSync(
      new URL('../engine/flows/fixtures/other-cluster.jsonl', import.meta.url),
      'utf8',
    );
    expect((await client.importFlows(exported)).imported).toBeGreaterThan(0);
    const imported = (await client.refresh())!;
    expect(imported.graph.flows.length).toBeGreaterThan(0);
    expect(sent.at(-1)?.graph.flows).toBeDefined();

    const edits = [
      await client.setFile('policy.yaml', policy(1)),
      await client.setFile('policy.yaml', policy(2)),
    ];
    // The worker left the rows out; the page put back the very rows it had.
    expect(sent.slice(-2).map((s) => s.graph.flows)).toEqual([undefined, undefined]);
    for (const state of edits) {
      expect(state?.graph.flowsKey).toBe(imported.graph.flowsKey);
      expect(state?.graph.flows).toBe(imported.graph.flows);
    }

    // New flows: new key, rows sent again.
    await client.importFlows(exported);
    await client.refresh();
    expect(sent.at(-1)?.graph.flows?.length).toBe(imported.graph.flows.length * 2);
    expect(client.lastState?.graph.flowsKey).not.toBe(imported.graph.flowsKey);
  });

  test('a replacement worker sends its rows: keys of different workers never match', async () => {
    let n = 0;
    const client = new ResilientPlayground({
      start: fakeBackend((m, arg) => (m === 'setFile' && arg === 'hang' && n++ === 0 ? null : 0)),
      timeoutMs: 50,
    });
    await client.load({ files: [{ name: 'cluster.yaml', text: CLUSTER }] });
    const before = await client.setFile('policy.yaml', policy(1));
    expect(await client.setFile('policy.yaml', 'hang')).toBeNull();
    const after = await client.setFile('policy.yaml', policy(2));
    expect(after?.graph.flowsKey).not.toBe(before?.graph.flowsKey);
    expect(after?.graph.flows).toEqual([]);
  });
});
