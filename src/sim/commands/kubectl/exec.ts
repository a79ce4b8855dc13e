/**
 * `kubectl exec` and what `kubectl run -it` shares with it: finding the pod (`POD`,
 * `deploy/NAME`, `ds/cilium`...) and the container, opening an interactive shell in it (the
 * terminal's prompt moves into the pod until `exit`), or running one command there through the
 * same registry the terminal uses and passing its exit code on (`command terminated with exit
 * code N`). A program the image does not ship fails the way the container runtime fails it.
 */
import { imageInfo } from '../../images.ts';
import { runLine } from '../../shell/run.ts';
import { createShell, enterPod, imageRepository } from '../../shell/state.ts';
import type {
  CommandRegistry,
  CommandResult,
  OutputChunk,
  PodLocation,
  ShellState,
} from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import type { ApiObject, Container } from './catalog.ts';
import { Kctx, notFound, shellQuote } from './context.ts';
import { removeObject } from './delete.ts';
import { flagBool, flagValue, type FlagSpec } from './flags.ts';
import { findType, typeForKind } from './resources.ts';
import { SYSTEM_IMAGE_TOOLS } from './system.ts';
import { matchesSelector } from './selector.ts';

export const EXEC_FLAGS: FlagSpec[] = [
  { name: 'stdin', short: 'i', type: 'bool' },
  { name: 'tty', short: 't', type: 'bool' },
  { name: 'container', short: 'c', type: 'string' },
  { name: 'quiet', short: 'q', type: 'bool' },
  { name: 'pod-running-timeout', type: 'string' },
  { name: 'filename', short: 'f', type: 'strings' },
];

const SHELLS = new Set(['sh', 'ash', 'bash', 'zsh', 'dash']);
/** Images with bash besides their `sh` (Debian- or Ubuntu-based, or netshoot's full toolbox). */
const BASH_IMAGES = new Set([
  'nicolaka/netshoot',
  'nginx',
  'postgres',
  'ubuntu',
  'debian',
  'python',
  'node',
  'cilium/netperf',
]);

/** Whether the image has this program on its PATH; shells are judged by the image itself. */
function imageHas(
  image: string,
  program: string,
  registry: CommandRegistry<SimWorld>,
  shell: ShellState,
): boolean {
  const base = program.split('/').pop() ?? program;
  const info = imageInfo(image);
  if (SHELLS.has(base)) {
    if (!info.shell) return false;
    if (base === 'sh' || base === 'ash') return true;
    const repo = imageRepository(image);
    if (base === 'zsh') return repo === 'nicolaka/netshoot';
    return BASH_IMAGES.has(repo) || BASH_IMAGES.has(repo.split('/').pop() ?? '');
  }
  return registry.resolve(base, shell) !== undefined;
}

/** The runtime's error for a program that is not in the image. */
function notInImage(program: string): OutputChunk[] {
  return [
    {
      stream: 'stderr',
      text: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown\n`,
    },
  ];
}

/** Variables a container starts with: its host name and the services of its namespace. */
export function podEnv(k: Kctx, pod: ApiObject): Record<string, string> {
  const env: Record<string, string> = {
    HOSTNAME: pod.name,
    // curlimages/curl runs as an unprivileged user; most other images run as root.
    HOME: pod.pod?.containers.some((c) => imageRepository(c.image) === 'curlimages/curl')
      ? '/home/curl_user'
      : '/root',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  };
  const svcType = typeForKind('Service')!;
  const services = [
    ...k.catalog.list(svcType, pod.namespace),
    ...(pod.namespace === 'default'
      ? []
      : k.catalog.list(svcType, 'default').filter((s) => s.name === 'kubernetes')),
  ];
  for (const s of services) {
    const svc = s.service;
    if (!svc || svc.clusterIP === 'None' || svc.ports.length === 0) continue;
    const prefix = s.name.toUpperCase().replace(/-/g, '_');
    const first = svc.ports[0]!;
    env[`${prefix}_SERVICE_HOST`] = svc.clusterIP;
    env[`${prefix}_SERVICE_PORT`] = String(first.port);
    env[`${prefix}_PORT`] = `${first.protocol.toLowerCase()}://${svc.clusterIP}:${first.port}`;
  }
  return env;
}

/** The pod an exec or logs argument means: `POD`, `pod/NAME`, `deploy/NAME`, `svc/NAME`... */
export function findPod(k: Kctx, target: string): { pod: ApiObject } | { error: string } {
  const podType = typeForKind('Pod')!;
  const catalog = k.catalog;
  if (!target.includes('/')) {
    const pod = catalog.get(podType, k.namespace, target);
    return pod ? { pod } : { error: notFound(podType, target) };
  }
  const [typed = '', name = ''] = target.split('/', 2);
  const type = findType(typed);
  if (!type) return { error: `error: the server doesn't have a resource type "${typed}"` };
  const o = catalog.get(type, k.namespace, name);
  if (!o) return { error: notFound(type, name) };
  if (type.kind === 'Pod') return { pod: o };
  let selector: Record<string, string> | undefined;
  if (type.kind === 'Service') selector = o.service?.selector;
  else {
    const spec = o.body.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined;
    selector = spec?.selector?.matchLabels;
  }
  if (!selector)
    return {
      error: `error: cannot attach to ${type.singular}/${name}: selector for ${type.singular}/${name} not implemented`,
    };
  const reqs = Object.entries(selector).map(([key, v]) => ({ key, op: '=' as const, values: [v] }));
  const pods = catalog.list(podType, k.namespace).filter((p) => matchesSelector(reqs, p.labels));
  if (pods.length === 0) return { error: `error: no pods found for ${type.singular}/${name}` };
  return { pod: pods[0]! };
}

/** Picks the container (`-c`, or the first with a notice when there is a choice). */
export function pickContainer(
  k: Kctx,
  pod: ApiObject,
  wanted: string | undefined,
  quiet: boolean,
): Container | { error: string } {
  const containers = pod.pod?.containers ?? [];
  const init = pod.pod?.initContainers ?? [];
  if (wanted !== undefined) {
    const c = containers.find((x) => x.name === wanted);
    return c ?? { error: `error: container ${wanted} not found in pod ${pod.name}` };
  }
  const first = containers[0];
  if (!first)
    return { error: `error: pod ${pod.namespace}/${pod.name} does not have any containers` };
  if (!quiet && (containers.length > 1 || init.length > 0)) {
    const names = [...containers.map((c) => c.name), ...init.map((c) => `${c.name} (init)`)];
    k.err(`Defaulted container "${first.name}" out of: ${names.join(', ')}`);
  }
  return first;
}

function locationOf(pod: ApiObject, c: Container): Omit<PodLocation, 'kind'> {
  const extra = SYSTEM_IMAGE_TOOLS[imageRepository(c.image)] ?? [];
  return {
    namespace: pod.namespace ?? 'default',
    pod: pod.name,
    container: c.name,
    image: c.image,
    tools: [...new Set([...imageInfo(c.image).tools, ...extra])],
  };
}

/** Runs a command line in a throwaway shell inside the pod; output and exit code come back. */
function runInPod(
  k: Kctx,
  pod: ApiObject,
  c: Container,
  argv: readonly string[],
  script?: string,
): number {
  const shell = createShell();
  enterPod(shell, locationOf(pod, c), podEnv(k, pod));
  const program = argv[0] ?? '';
  if (script === undefined && !imageHas(c.image, program, k.registry, shell)) {
    k.chunks.push(...notInImage(program));
    return 126;
  }
  const line = script ?? argv.map(shellQuote).join(' ');
  const r = runLine(line, k.registry, k.world, shell);
  const out = [...r.out];
  // `exit N` in a script ends the container's process: the code is reported once, by the caller.
  const last = out[out.length - 1];
  if (
    shell.location.kind === 'host' &&
    last?.stream === 'stderr' &&
    /^command terminated with exit code \d+\n$/.test(last.text)
  )
    out.pop();
  k.chunks.push(...out);
  k.elapsedMs += r.elapsedMs;
  k.flows.push(...r.flows);
  return r.exitCode;
}

/**
 * Runs `argv` the way a container would: a shell reads a script (`sh -c '...'`, or stdin with
 * `-i`), opens an interactive shell (`-i` in a terminal), or exits at once without input.
 * Returns the exit code, or 'entered' when the terminal moved into the pod.
 */
export function startProcess(
  k: Kctx,
  pod: ApiObject,
  c: Container,
  argv: readonly string[],
  opts: { interactive: boolean },
): number | 'entered' {
  const program = argv[0] ?? '';
  const base = program.split('/').pop() ?? program;
  if (!SHELLS.has(base)) return runInPod(k, pod, c, argv);
  const probe = createShell();
  enterPod(probe, locationOf(pod, c));
  if (!imageHas(c.image, program, k.registry, probe)) {
    k.chunks.push(...notInImage(program));
    return 126;
  }
  const dashC = argv.indexOf('-c');
  if (dashC >= 0) return runInPod(k, pod, c, argv, argv[dashC + 1] ?? '');
  if (!opts.interactive) return 0;
  if (k.ctx.stdin !== '') return runInPod(k, pod, c, argv, k.ctx.stdin);
  enterPod(k.ctx.shell, locationOf(pod, c), podEnv(k, pod));
  return 'entered';
}

export function runExec(k: Kctx): CommandResult {
  const args = k.flags.args;
  const dash = k.flags.dash;
  if (dash === undefined && args.length > 1)
    return k.usage(
      'exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead',
    );
  const target = args[0];
  if (target === undefined) return k.fail('pod, type/name or --filename must be specified');
  if (!dash || dash.length === 0)
    return k.fail('you must specify at least one command for the container');
  const found = findPod(k, target);
  if ('error' in found) return k.fail(found.error);
  const c = pickContainer(
    k,
    found.pod,
    flagValue(k.flags, 'container'),
    flagBool(k.flags, 'quiet'),
  );
  if ('error' in c) return k.fail(c.error);
  const interactive = flagBool(k.flags, 'stdin');
  if (flagBool(k.flags, 'tty') && interactive && k.ctx.stdin !== '')
    k.err('Unable to use a TTY - input is not a terminal or the right kind of file');
  const code = startProcess(k, found.pod, c, dash, { interactive });
  if (code === 'entered' || code === 0) return k.done(0);
  k.err(`command terminated with exit code ${code}`);
  return k.done(code);
}

// --- pods attached by `kubectl run -it` ------------------------------------------------

/** What `exit` must do when it ends a shell that `kubectl run -it` opened. */
interface Attachment {
  namespace: string;
  name: string;
  container: string;
  restartPolicy: string;
  remove: boolean;
  /** Whether a terminal was attached (`-it`): only then is the reattach hint shown. */
  tty: boolean;
}

const attachments = new WeakMap<object, Attachment>();

/** Remembers that the shell's current pod location was opened by `kubectl run`. */
export function markAttached(shell: ShellState, attachment: Attachment): void {
  attachments.set(shell.location, attachment);
}

/** The end of an attached `kubectl run`: the reattach hint, `--rm`, the pod's exit. */
export function endAttachment(k: Kctx, attachment: Attachment, code: number): number {
  if (attachment.restartPolicy === 'Always' && attachment.tty)
    k.out(
      `Session ended, resume using 'kubectl attach ${attachment.name} -c ${attachment.container} -i -t' command when the pod is running\n`,
    );
  if (attachment.remove) {
    const pod = k.catalog.get(typeForKind('Pod')!, attachment.namespace, attachment.name);
    if (pod) removeObject(k, pod);
    k.out(`pod "${attachment.name}" deleted\n`);
  }
  if (attachment.restartPolicy !== 'Always' && code !== 0) {
    k.err(`pod ${attachment.namespace}/${attachment.name} terminated (Error)`);
    return code;
  }
  return 0;
}

/**
 * Wraps the shell's `exit` so that leaving a pod opened by `kubectl run -it` ends the attachment as
 * kubectl would (instead of exec's `command terminated with exit code N`).
 */
export function installExitHook(registry: CommandRegistry<SimWorld>): void {
  const original = registry.get('exit');
  if (!original) return;
  registry.register(
    'exit',
    original.help,
    (ctx) => {
      const before = ctx.shell.location;
      const attachment = attachments.get(before);
      const result = original.run(ctx);
      if (!attachment || ctx.shell.location === before) return result;
      attachments.delete(before);
      const k = new Kctx(ctx, registry, 'run', { values: new Map(), bools: new Map(), args: [] });
      const code = endAttachment(k, attachment, result.exitCode);
      return k.done(code);
    },
    { builtin: original.builtin },
  );
}
