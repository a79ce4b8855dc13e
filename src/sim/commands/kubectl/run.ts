/**
 * `kubectl run NAME --image=IMAGE [-- ARGS]`: creates a Pod in the world (the engine gives it an
 * address and an identity at once). With `-i`/`-t` the terminal attaches to the container's
 * process: a shell becomes the prompt until `exit` (then `--rm` deletes the pod), any other
 * process runs to its end and its output is shown. `--dry-run=client -o yaml` prints the Pod.
 */
import { imageRepository } from '../../shell/state.ts';
import type { CommandResult } from '../../shell/types.ts';
import type { Obj } from './catalog.ts';
import { Kctx } from './context.ts';
import { jsonText, yamlText } from './encode.ts';
import { endAttachment, markAttached, startProcess } from './exec.ts';
import { flagBool, flagList, flagValue, type FlagSpec } from './flags.ts';
import { nameProblem, printErrors } from './apply.ts';
import { typeForKind } from './resources.ts';

export const RUN_FLAGS: FlagSpec[] = [
  { name: 'image', type: 'string' },
  { name: 'restart', type: 'string' },
  { name: 'labels', short: 'l', type: 'string' },
  { name: 'rm', type: 'bool' },
  { name: 'stdin', short: 'i', type: 'bool' },
  { name: 'tty', short: 't', type: 'bool' },
  { name: 'attach', type: 'bool' },
  { name: 'command', type: 'bool' },
  { name: 'env', type: 'strings' },
  { name: 'port', type: 'string' },
  { name: 'dry-run', type: 'string' },
  { name: 'output', short: 'o', type: 'string' },
  { name: 'image-pull-policy', type: 'string' },
  { name: 'quiet', short: 'q', type: 'bool' },
  { name: 'overrides', type: 'string' },
  { name: 'annotations', type: 'strings' },
  { name: 'pod-running-timeout', type: 'string' },
];

/** What an image runs when `kubectl run` gives no command. */
const DEFAULT_PROCESS: Record<string, string[]> = {
  busybox: ['sh'],
  alpine: ['/bin/sh'],
  'nicolaka/netshoot': ['zsh'],
  'curlimages/curl': ['curl'],
  nginx: ['nginx', '-g', 'daemon off;'],
  ubuntu: ['/bin/bash'],
  debian: ['bash'],
};

export function runRun(k: Kctx): CommandResult {
  const name = k.flags.args[0];
  if (name === undefined) return k.usage('NAME is required for run');
  const image = flagValue(k.flags, 'image');
  if (image === undefined || image === '') return k.fail('required flag(s) "image" not set');
  const interactive = flagBool(k.flags, 'stdin');
  const tty = flagBool(k.flags, 'tty');
  const attach = flagBool(k.flags, 'attach') || interactive || tty;
  const remove = flagBool(k.flags, 'rm');
  if (remove && !attach) return k.fail('--rm should only be used for attached containers');
  if (tty && !interactive)
    return k.fail('-i/--stdin is required for containers with -t/--tty=true');
  const restart = flagValue(k.flags, 'restart') ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart))
    return k.fail(`invalid restart policy: ${restart}`);

  const labels: Record<string, string> = {};
  const labelFlag = flagValue(k.flags, 'labels');
  if (labelFlag !== undefined) {
    for (const pair of labelFlag.split(',')) {
      const [key, value, extra] = pair.split('=');
      if (!key || value === undefined || extra !== undefined)
        return k.fail(`invalid label spec: ${pair}`);
      labels[key] = value;
    }
  } else labels.run = name;

  const extra = k.flags.dash ?? k.flags.args.slice(1);
  const env = flagList(k.flags, 'env', false).map((e) => {
    const i = e.indexOf('=');
    return { name: i >= 0 ? e.slice(0, i) : e, value: i >= 0 ? e.slice(i + 1) : '' };
  });
  const port = flagValue(k.flags, 'port');
  const container: Obj = {
    ...(extra.length > 0 ? { [flagBool(k.flags, 'command') ? 'command' : 'args']: extra } : {}),
    ...(env.length > 0 ? { env } : {}),
    image,
    name,
    ...(port ? { ports: [{ containerPort: Number(port) }] } : {}),
    resources: {},
    ...(interactive ? { stdin: true, stdinOnce: true } : {}),
    ...(tty ? { tty: true } : {}),
  };
  const namespace = k.namespace;
  const pod: Obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: null,
      labels,
      name,
      ...(k.explicitNamespace ? { namespace } : {}),
    },
    spec: { containers: [container], dnsPolicy: 'ClusterFirst', restartPolicy: restart },
    status: {},
  };
  const dry = flagValue(k.flags, 'dry-run');
  const output = flagValue(k.flags, 'output');
  if (dry === 'client' || dry === 'server' || dry === 'true') {
    if (output === 'yaml') k.out(yamlText(pod));
    else if (output === 'json') k.out(jsonText(pod));
    else k.out(`pod/${name} created (${dry === 'server' ? 'server ' : ''}dry run)\n`);
    return k.done(0);
  }

  const podType = typeForKind('Pod')!;
  const bad = nameProblem(podType, name);
  if (bad) {
    printErrors(k, [
      { kind: 'invalid', type: podType, name, verb: 'creating', source: '', causes: [bad] },
    ]);
    return k.done(1);
  }
  if (!k.catalog.namespaceExists(namespace))
    return k.fail(`Error from server (NotFound): namespaces "${namespace}" not found`);
  if (k.catalog.get(podType, namespace, name) || k.world.getObject('Pod', namespace, name))
    return k.fail(`Error from server (AlreadyExists): pods "${name}" already exists`);
  const stored: Obj = { ...pod, metadata: { labels, name, namespace } };
  delete stored.status;
  k.world.putObject({ apiVersion: 'v1', kind: 'Pod', namespace, name, value: stored });
  k.refresh();
  if (!attach) {
    k.out(`pod/${name} created\n`);
    return k.done(0);
  }

  const created = k.catalog.get(podType, namespace, name);
  const c = created?.pod?.containers[0];
  if (!created || !c) return k.fail(`timed out waiting for the condition`);
  if (!flagBool(k.flags, 'quiet')) k.err("If you don't see a command prompt, try pressing enter.");
  const repo = imageRepository(image);
  const process =
    extra.length > 0
      ? extra
      : (DEFAULT_PROCESS[repo] ?? DEFAULT_PROCESS[repo.split('/').pop() ?? ''] ?? ['sh']);
  const attachment = {
    namespace,
    name,
    container: name,
    restartPolicy: restart,
    remove,
    tty: tty && interactive,
  };
  const code = startProcess(k, created, c, process, { interactive });
  if (code === 'entered') {
    markAttached(k.ctx.shell, attachment);
    return k.done(0);
  }
  return k.done(endAttachment(k, attachment, code));
}
