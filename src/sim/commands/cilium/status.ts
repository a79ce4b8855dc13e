/**
 * `cilium status` (cilium-cli/status/status.go `Format`): the six-line logo beside the
 * component summary, then the workloads, their containers, the pods Cilium manages, the Helm
 * chart and the images.
 *
 * The text goes through Go's tabwriter (padding 4) with cilium-cli's ANSI colours inside the
 * cells. cilium-cli always prints the colours, and the tabwriter counts their bytes as width:
 * every logo line carries the same number of escape sequences (the last one repeats its blue
 * three times for that reason), so the logo still lines up.
 */
import { fnv1a } from '../../../engine/hash.ts';
import type { SimWorld } from '../../world.ts';
import { tabwrite } from '../tabwriter.ts';
import { agentPods } from './agents.ts';
import { ciliumRelease, HUBBLE_UI_VERSION } from './versions.ts';

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const BLUE = '\x1b[34m';
const GREEN = '\x1b[32m';
const MAGENTA = '\x1b[35m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';

interface Workload {
  type: 'DaemonSet' | 'Deployment';
  name: string;
  replicas: number;
  images: string[];
}

/** A stable stand-in for an image digest. */
function digest(image: string): string {
  let hex = '';
  for (let i = 0; hex.length < 64; i++) hex += fnv1a(`${image}#${i}`).toString(16).padStart(8, '0');
  return hex.slice(0, 64);
}

function workloads(world: SimWorld): Workload[] {
  const release = ciliumRelease(world);
  const nodes = agentPods(world).length;
  return [
    {
      type: 'DaemonSet',
      name: 'cilium',
      replicas: nodes,
      images: [`quay.io/cilium/cilium:v${release}`],
    },
    {
      type: 'DaemonSet',
      name: 'cilium-envoy',
      replicas: nodes,
      images: ['quay.io/cilium/cilium-envoy:v1.34.10'],
    },
    {
      type: 'Deployment',
      name: 'cilium-operator',
      replicas: 1,
      images: [`quay.io/cilium/operator-generic:v${release}`],
    },
    {
      type: 'Deployment',
      name: 'hubble-relay',
      replicas: 1,
      images: [`quay.io/cilium/hubble-relay:v${release}`],
    },
    {
      type: 'Deployment',
      name: 'hubble-ui',
      replicas: 1,
      images: [
        `quay.io/cilium/hubble-ui-backend:${HUBBLE_UI_VERSION}`,
        `quay.io/cilium/hubble-ui:${HUBBLE_UI_VERSION}`,
      ],
    },
  ];
}

/** Pods Cilium manages and all pods it counts (host-network pods have no endpoint). */
export function podCounts(world: SimWorld): { all: number; managed: number } {
  const pods = world.engine.cluster.pods.filter((p) => !p.hostNetwork);
  return { all: pods.length, managed: pods.filter((p) => p.ip !== '').length };
}

/** The `cilium status` text, colours included. */
export function formatCiliumStatus(world: SimWorld): string {
  const release = ciliumRelease(world);
  const ok = `${GREEN}OK${RESET}`;
  let text = '';
  text += `${YELLOW}    /¯¯\\\n`;
  text += `${CYAN} /¯¯${YELLOW}\\__/${GREEN}¯¯\\${RESET}\tCilium:\t${ok}\n`;
  text += `${CYAN} \\__${RED}/¯¯\\${GREEN}__/${RESET}\tOperator:\t${ok}\n`;
  text += `${GREEN} /¯¯${RED}\\__/${MAGENTA}¯¯\\${RESET}\tEnvoy DaemonSet:\t${ok}\n`;
  text += `${GREEN} \\__${BLUE}/¯¯\\${MAGENTA}__/${RESET}\tHubble Relay:\t${ok}\n`;
  text += `${BLUE}${BLUE}${BLUE}    \\__/${RESET}\tClusterMesh:\t${CYAN}disabled${RESET}\n`;
  text += '\n';
  const wl = workloads(world).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const w of wl) {
    const n = `${GREEN}${w.replicas}/${w.replicas}${RESET}`;
    text += `${w.type}\t${w.name}\tDesired: ${w.replicas}, Ready: ${n}, Available: ${n}\n`;
  }
  const containers = [
    ...wl.map((w) => ({ name: w.name, running: w.replicas })),
    { name: 'clustermesh-apiserver', running: 0 },
  ].sort((a, b) => (a.name < b.name ? -1 : 1));
  containers.forEach((c, i) => {
    const value = c.running > 0 ? `Running: ${GREEN}${c.running}${RESET}` : '';
    text += `${i === 0 ? 'Containers:' : ''}\t${c.name}\t${value}\n`;
  });
  const pods = podCounts(world);
  text += `Cluster Pods:\t${pods.managed}/${pods.all} managed by Cilium\n`;
  text += `Helm chart version:\t${release}\n`;
  let header = 'Image versions';
  for (const w of wl)
    for (const image of w.images) {
      text += `${header}\t${w.name}\t${image}@sha256:${digest(image)}: ${w.replicas}\n`;
      header = '';
    }
  return tabwrite(text, { minWidth: 0, padding: 4 });
}

/** `cilium status -o json` (json.MarshalIndent with a one-space indent). */
export function ciliumStatusJson(world: SimWorld): string {
  const wl = workloads(world);
  const imageCount: Record<string, Record<string, number>> = {};
  const phaseCount: Record<string, Record<string, number>> = {};
  const podState: Record<string, unknown> = {};
  for (const w of [...wl].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    imageCount[w.name] = Object.fromEntries(
      w.images.map((i) => [`${i}@sha256:${digest(i)}`, w.replicas]),
    );
    phaseCount[w.name] = { Running: w.replicas };
    podState[w.name] = {
      Type: w.type,
      Desired: w.replicas,
      Ready: w.replicas,
      Available: w.replicas,
      Unavailable: 0,
    };
  }
  const pods = podCounts(world);
  return `${JSON.stringify(
    {
      image_count: imageCount,
      phase_count: phaseCount,
      pod_state: podState,
      pods_count: { all: pods.all, by_cilium: pods.managed },
      helm_chart_version: ciliumRelease(world),
    },
    null,
    ' ',
  )}\n`;
}
