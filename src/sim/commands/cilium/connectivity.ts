/**
 * `cilium connectivity test`, shortened (cilium-cli/connectivity/check: context.go, test.go,
 * action.go, logging.go).
 *
 * The real suite deploys client and echo workloads into `cilium-test-1`, installs policies of
 * its own and runs about a hundred tests. The simulation runs a handful, each action a probe
 * against the policies in force, so the policies a learner applied show up in the result:
 *
 *   no-unexpected-packet-drops  one check per agent (policy drops are expected ones)
 *   no-policies                 pod-to-pod, pod-to-world, pod-to-host, pod-to-service
 *   check-log-errors            one check per agent
 *
 * When the test namespace holds client and echo pods, they are used. Otherwise nothing is
 * deployed (the world is left as it was); the output says so and the checks run from an
 * existing pod to the other pods and services. Probes go through `world.probe`, so their flows
 * land in the Hubble buffer like the real suite's, and the clock moves on as the actions run.
 *
 * Output follows cilium-cli without `--verbose`: a dot per action; when an action fails, the
 * test's log so far is printed after all; a report lists the failed actions and the command
 * fails with `connectivity test failed: [<ns>] N tests failed`.
 */
import type { Pod, Service } from '../../../engine/cluster/model.ts';
import type { Probe, ProbeResult } from '../../../engine/evaluate/probe.ts';
import { serviceBackends } from '../../../engine/evaluate/probe.ts';
import type { SimWorld } from '../../world.ts';
import { err, out, type CommandContext, type CommandResult } from '../../shell/types.ts';
import { boolValue, lastValue, parseFlags } from '../hubble/flags.ts';
import { agentPods } from './agents.ts';
import { ciliumRelease } from './versions.ts';

/** The kubeconfig context name of the simulated kind cluster. */
export const KUBE_CONTEXT = 'kind-kind';
export const TEST_NAMESPACE = 'cilium-test-1';
const EXTERNAL_TARGET = 'one.one.one.one';
const EXTERNAL_IP = '1.1.1.1';

const CURL =
  'curl -w %{local_ip}:%{local_port} -> %{remote_ip}:%{remote_port} = %{response_code} --silent --fail --show-error --output /dev/null --connect-timeout 2 --max-time 10';

interface Peer {
  name: string;
  address: string;
}

interface ActionSpec {
  name: string;
  src: Peer;
  dst: Peer;
  /** A probe to run; absent for checks that always pass in the simulation. */
  probe?: Probe;
  /** The command the real suite runs, for the failure message. */
  command?: string;
  /** `ping` exits 1 when no reply came; curl's codes tell more. */
  ping?: boolean;
}

interface ScenarioSpec {
  name: string;
  actions: ActionSpec[];
  /** Why the scenario cannot run here. */
  skip?: string;
}

interface TestSpec {
  name: string;
  scenarios: ScenarioSpec[];
}

const isSystem = (ns: string) => ns === 'kube-system' || ns.startsWith('kube-');

function podPeer(p: Pod): Peer {
  return { name: `${p.namespace}/${p.name}`, address: p.ip };
}

/** The deployment a ReplicaSet pod belongs to (its name without the template hash). */
function workloadName(p: Pod): string {
  const o = p.owner;
  if (!o) return p.name;
  const hash = p.labels['pod-template-hash'];
  if (o.kind === 'ReplicaSet' && hash && o.name.endsWith(`-${hash}`))
    return o.name.slice(0, -(hash.length + 1));
  return o.name;
}

function firstTcpPort(p: Pod): number | undefined {
  return p.ports.find((x) => x.protocol === 'TCP')?.port;
}

interface Cast {
  clients: Pod[];
  targets: { pod: Pod; port: number }[];
  services: { svc: Service; port: number }[];
  deployed: boolean;
}

/** Who talks to whom: the suite's workloads when deployed, else the pods already running. */
function cast(world: SimWorld, ns: string): Cast {
  const cluster = world.engine.cluster;
  const inNs = cluster.pods.filter((p) => p.namespace === ns && !p.hostNetwork && p.ip);
  const clients = inNs.filter((p) => p.labels.kind === 'client' || p.name.startsWith('client'));
  const echoes = inNs.filter((p) => p.labels.kind === 'echo' || p.name.startsWith('echo'));
  const servicesFor = (pods: Pod[], namespaces: (n: string) => boolean) =>
    cluster.services
      .filter((s) => namespaces(s.namespace) && s.selector && s.clusterIP !== 'None')
      .flatMap((svc) => {
        const backends = serviceBackends(cluster, svc);
        const port = svc.ports.find((p) => p.protocol === 'TCP');
        return port && backends.some((b) => pods.includes(b)) ? [{ svc, port: port.port }] : [];
      });
  if (clients.length > 0 && echoes.length > 0) {
    const targets = echoes.map((pod) => ({ pod, port: firstTcpPort(pod) ?? 8080 }));
    return { clients, targets, services: servicesFor(echoes, (n) => n === ns), deployed: true };
  }
  const pods = cluster.pods
    .filter((p) => !isSystem(p.namespace) && !p.hostNetwork && p.ip)
    .sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  const client = pods.find((p) => /client|curl|test|debug/.test(p.name)) ?? pods[0];
  if (!client) return { clients: [], targets: [], services: [], deployed: false };
  const targets = pods
    .filter((p) => p !== client && firstTcpPort(p) !== undefined)
    .slice(0, 4)
    .map((pod) => ({ pod, port: firstTcpPort(pod)! }));
  const targetPods = targets.map((t) => t.pod);
  return {
    clients: [client],
    targets,
    services: servicesFor(targetPods, (n) => !isSystem(n)).slice(0, 3),
    deployed: false,
  };
}

function plan(world: SimWorld, c: Cast): TestSpec[] {
  const agents = agentPods(world);
  const agentActions = (test: string, scenario: string): ActionSpec[] =>
    agents.map((a) => ({
      name: `${test}/${scenario}/kube-system/${a.name}`,
      src: { name: `kube-system/${a.name}`, address: '' },
      dst: { name: `kube-system/${a.name}`, address: '' },
    }));
  const zone = world.engine.publicZone;
  const named = Object.keys(zone).some(
    (k) => k.replace(/\.$/, '').toLowerCase() === EXTERNAL_TARGET,
  );
  const podToPod: ActionSpec[] = [];
  const podToWorld: ActionSpec[] = [];
  const podToHost: ActionSpec[] = [];
  const podToService: ActionSpec[] = [];
  c.clients.forEach((client) => {
    const src = podPeer(client);
    for (const t of c.targets) {
      const i = podToPod.length;
      const url = `http://${t.pod.ip}:${t.port}`;
      podToPod.push({
        name: `no-policies/pod-to-pod/curl-ipv4-${i}`,
        src,
        dst: { name: `${t.pod.namespace}/${t.pod.name}`, address: `${t.pod.ip}:${t.port}` },
        probe: {
          id: `connectivity:pod-to-pod:${src.name}->${t.pod.namespace}/${t.pod.name}`,
          from: src.name,
          to: `${t.pod.namespace}/${t.pod.name}`,
          port: t.port,
          http: { method: 'GET', path: '/' },
        },
        command: `${CURL} ${url}`,
      });
    }
    podToWorld.push({
      name: `no-policies/pod-to-world/https-to-${EXTERNAL_TARGET}-${podToWorld.length}`,
      src,
      dst: {
        name: `${EXTERNAL_TARGET}-https`,
        address: `${named ? EXTERNAL_TARGET : EXTERNAL_IP}:443`,
      },
      probe: {
        id: `connectivity:pod-to-world:${src.name}`,
        from: src.name,
        to: named ? `fqdn:${EXTERNAL_TARGET}` : `ip:${EXTERNAL_IP}`,
        port: 443,
      },
      command: `${CURL} https://${named ? EXTERNAL_TARGET : EXTERNAL_IP}:443`,
    });
    for (const node of world.engine.cluster.nodes) {
      // The real check pings the node; the simulated datapath carries TCP, UDP and SCTP only,
      // so the probe connects to the kubelet port instead.
      podToHost.push({
        name: `no-policies/pod-to-host/ping-ipv4-${podToHost.length}`,
        src,
        dst: { name: node.ip, address: node.ip },
        probe: {
          id: `connectivity:pod-to-host:${src.name}->${node.name}`,
          from: src.name,
          to: `ip:${node.ip}`,
          port: 10250,
        },
        command: `ping -c 1 -W 2 ${node.ip}`,
        ping: true,
      });
    }
    for (const s of c.services) {
      const host = `${s.svc.name}.${s.svc.namespace}`;
      podToService.push({
        name: `no-policies/pod-to-service/curl-${podToService.length}`,
        src,
        dst: { name: `${s.svc.namespace}/${s.svc.name}`, address: `${host}:${s.port}` },
        probe: {
          id: `connectivity:pod-to-service:${src.name}->${host}`,
          from: src.name,
          to: `svc:${s.svc.namespace}/${s.svc.name}`,
          port: s.port,
          http: { method: 'GET', path: '/' },
        },
        command: `${CURL} http://${host}:${s.port}`,
      });
    }
  });
  const scenario = (name: string, actions: ActionSpec[], why: string): ScenarioSpec =>
    actions.length ? { name, actions } : { name, actions, skip: why };
  return [
    {
      name: 'no-unexpected-packet-drops',
      scenarios: [
        {
          name: 'no-unexpected-packet-drops',
          actions: agentActions('no-unexpected-packet-drops', 'no-unexpected-packet-drops'),
        },
      ],
    },
    {
      name: 'no-policies',
      scenarios: [
        scenario('pod-to-pod', podToPod, 'no pods to connect to'),
        scenario('pod-to-world', podToWorld, 'no client pod'),
        scenario('pod-to-host', podToHost, 'no client pod'),
        scenario('pod-to-service', podToService, 'no services in front of the pods'),
      ],
    },
    {
      name: 'check-log-errors',
      scenarios: [
        {
          name: 'no-errors-in-logs',
          actions: agentActions('check-log-errors', 'no-errors-in-logs'),
        },
      ],
    },
  ];
}

/** curl's exit code for a probe's outcome, or 0 when the request went through. */
function exitCodeOf(r: ProbeResult): number {
  if (r.verdict === 'allowed') return 0;
  if (r.error) return 7;
  const a = r.lookup?.answer;
  if (r.lookup && (!a || a.rcode !== 'NOERROR' || a.addresses.length === 0)) return 6;
  if (r.l7?.http?.status === 403) return 22;
  return 28;
}

function actionText(a: ActionSpec): string {
  const src = a.src.address ? `${a.src.name} (${a.src.address})` : a.src.name;
  const dst = a.dst.address ? `${a.dst.name} (${a.dst.address})` : a.dst.name;
  return `${a.name}: ${src} -> ${dst}`;
}

export function connectivityTest(
  ctx: CommandContext<SimWorld>,
  argv: readonly string[],
): CommandResult {
  const parsed = parseFlags(argv, [
    { name: 'test-namespace', kind: 'string' },
    { name: 'verbose', short: 'v', kind: 'bool' },
    { name: 'debug', short: 'd', kind: 'bool' },
    { name: 'hubble', kind: 'bool' },
    { name: 'single-node', kind: 'bool' },
    { name: 'timestamp', short: 't', kind: 'bool' },
    { name: 'test', kind: 'string' },
    { name: 'flow-validation', kind: 'string' },
  ]);
  if (!parsed.ok) return { out: [err(`${parsed.message}\n`)], exitCode: 1 };
  const world = ctx.world;
  const flags = parsed.flags;
  if (flags.help)
    return {
      out: [
        out(
          'Validate connectivity in cluster\n\nUsage:\n  cilium connectivity test [flags]\n\nFlags:\n      --test-namespace string   Namespace to perform the connectivity in (default "cilium-test-1")\n  -v, --verbose                 Show informational messages and don\'t buffer any lines\n',
        ),
      ],
      exitCode: 0,
    };
  const ns = lastValue(flags, 'test-namespace') ?? TEST_NAMESPACE;
  const verbose = boolValue(flags, 'verbose') || boolValue(flags, 'debug');
  const start = world.clock.now();
  const c = cast(world, ns);

  let text = 'ℹ️  Monitor aggregation detected, will skip some flow validation steps\n';
  if (c.deployed) {
    const deployments = [
      ...new Set([...c.clients, ...c.targets.map((t) => t.pod)].map(workloadName)),
    ].sort();
    for (const d of deployments)
      text += `⌛ [${KUBE_CONTEXT}] Waiting for deployment ${ns}/${d} to become ready...\n`;
    for (const client of c.clients)
      text += `⌛ [${KUBE_CONTEXT}] Waiting for pod ${ns}/${client.name} to reach DNS server on ${ns}/${c.targets[0]!.pod.name} pod...\n`;
  } else {
    text += `ℹ️  [${KUBE_CONTEXT}] Namespace ${ns} does not exist: this simulation does not deploy the test workloads.\n`;
    if (c.clients.length === 0) {
      text += 'ℹ️  There are no pods to run the checks between: deploy a workload first.\n';
      return {
        out: [
          out(text),
          err(`connectivity test failed: no pods to run the connectivity checks from\n`),
        ],
        exitCode: 1,
      };
    }
    text += `ℹ️  The checks run as probes from ${c.clients[0]!.namespace}/${c.clients[0]!.name} to the pods and services that already exist, against the policies in force.\n`;
  }
  world.advance(3000);
  text += '🔭 Enabling Hubble telescope...\n';
  const maxFlows = world.flows.capacity * world.engine.cluster.nodes.length;
  text += `ℹ️  Hubble is OK, flows: ${world.flows.all().length}/${maxFlows}\n`;
  text += `ℹ️  Cilium version: ${ciliumRelease(world)}\n`;

  const tests = plan(world, c);
  text += `🏃[${ns}] Running ${tests.length} tests ...\n`;

  let actions = 0;
  let skippedScenarios = 0;
  const failed: { test: string; actions: string[] }[] = [];
  tests.forEach((t, index) => {
    text += `[=] [${ns}] Test [${t.name}] [${index + 1}/${tests.length}]\n`;
    // Without --verbose a test's log is held back and only printed if the test fails.
    let buffer: string | null = verbose ? null : '';
    const log = (line: string) => {
      if (buffer === null) text += `  ${line}\n`;
      else buffer += `  ${line}\n`;
    };
    const failedActions: string[] = [];
    for (const s of t.scenarios) {
      if (s.skip) {
        skippedScenarios++;
        log(`[-] Skipping scenario [${t.name}/${s.name}] (${s.skip})`);
        continue;
      }
      log(`[-] Scenario [${t.name}/${s.name}]`);
      for (const a of s.actions) {
        actions++;
        log(`[.] Action [${actionText(a)}]`);
        if (buffer !== null) text += '.';
        if (!a.probe) {
          world.advance(200);
          continue;
        }
        const { result } = world.probe(a.probe);
        const curlCode = exitCodeOf(result);
        const code = a.ping && curlCode !== 0 ? 1 : curlCode;
        // A dropped SYN or echo request waits out the two-second timeout.
        world.advance(code === 28 || (a.ping === true && code !== 0) ? 2000 : 300);
        if (code === 0) continue;
        failedActions.push(actionText(a));
        const msg = `❌ command "${a.command}" failed: command terminated with exit code ${code}`;
        if (buffer !== null) {
          text += `\n${buffer}`;
          buffer = null;
        }
        log(msg);
      }
    }
    if (buffer !== null) text += '\n';
    if (failedActions.length) failed.push({ test: t.name, actions: failedActions });
  });

  const elapsedMs = world.clock.now() - start;
  if (failed.length === 0) {
    text += `\n✅ [${ns}] All ${tests.length} tests (${actions} actions) successful, 0 tests skipped, ${skippedScenarios} scenarios skipped.\n`;
    return { out: [out(text)], exitCode: 0, elapsedMs };
  }
  const failedCount = failed.reduce((n, f) => n + f.actions.length, 0);
  text += `\n📋 Test Report [${ns}]\n`;
  text += `❌ ${failed.length}/${tests.length} tests failed (${failedCount}/${actions} actions), 0 tests skipped, ${skippedScenarios} scenarios skipped:\n`;
  for (const f of failed) {
    text += `Test [${f.test}]:\n`;
    for (const a of f.actions) text += `  ❌ ${a}\n`;
  }
  return {
    out: [out(text), err(`connectivity test failed: [${ns}] ${failed.length} tests failed\n`)],
    exitCode: 1,
    elapsedMs,
  };
}
