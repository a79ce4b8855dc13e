/**
 * What a container image ships: the programs `kubectl exec POD -- sh` finds there and the prompt
 * its shell shows. Unknown images get a plain busybox-like userland.
 */
import { imageRepository } from './shell/state.ts';

export interface ImageInfo {
  /** Programs on the image's PATH (shell built-ins exist regardless). */
  tools: string[];
  /** Whether the image has a shell at all (distroless images do not). */
  shell: boolean;
}

/** Text tools busybox provides on Alpine-based images. */
const BUSYBOX_TEXT = [
  'cat',
  'grep',
  'head',
  'tail',
  'wc',
  'sort',
  'uniq',
  'cut',
  'tr',
  'sleep',
  'base64',
];

const CURL_IMAGE: ImageInfo = {
  tools: ['curl', 'nc', 'nslookup', 'ping', 'getent', ...BUSYBOX_TEXT],
  shell: true,
};

const IMAGES: Record<string, ImageInfo> = {
  // curl 8 on Alpine: busybox nc, nslookup, ping and wget; musl's getent; no dig.
  'curlimages/curl': CURL_IMAGE,
  curl: CURL_IMAGE,
  busybox: { tools: ['nc', 'nslookup', 'ping', ...BUSYBOX_TEXT], shell: true },
  alpine: { tools: ['nc', 'nslookup', 'ping', 'getent', ...BUSYBOX_TEXT], shell: true },
  // netshoot carries the full toolbox, with OpenBSD netcat.
  'nicolaka/netshoot': {
    tools: ['curl', 'nc', 'nslookup', 'dig', 'ping', 'getent', ...BUSYBOX_TEXT],
    shell: true,
  },
  'cilium/netperf': {
    tools: ['curl', 'nc', 'nslookup', 'ping', 'getent', ...BUSYBOX_TEXT],
    shell: true,
  },
  nginx: { tools: ['curl', 'getent', ...BUSYBOX_TEXT], shell: true },
};

export function imageInfo(image: string): ImageInfo {
  const repo = imageRepository(image);
  return (
    IMAGES[repo] ??
    IMAGES[repo.split('/').pop() ?? ''] ?? { tools: ['getent', ...BUSYBOX_TEXT], shell: true }
  );
}
