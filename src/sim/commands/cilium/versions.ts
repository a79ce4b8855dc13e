/**
 * The releases the simulated tools report. The cluster runs the Cilium patch release of the
 * minor the engine imitates; the CLIs on the host are pinned.
 */
import type { CiliumVersion } from '../../../engine/types.ts';
import type { SimWorld } from '../../world.ts';

/** The release installed for each minor the engine can imitate (the agent images kubectl shows). */
export const CILIUM_RELEASES: Readonly<Record<CiliumVersion, string>> = {
  '1.16': '1.16.15',
  '1.17': '1.17.9',
  '1.18': '1.18.3',
  '1.19': '1.19.0',
  '1.20': '1.20.0-pre.1',
};

/** The Hubble UI shipped with every simulated release. */
export const HUBBLE_UI_VERSION = 'v0.13.3';
/** The Hubble CLI on the learner's host. */
export const HUBBLE_CLI_VERSION = 'v1.18.1';
/** cilium-cli on the learner's host. */
export const CILIUM_CLI_VERSION = 'v0.18.7';
/** The Go release the CLIs say they were built with. */
export const GO_VERSION = 'go1.24.6';

/** `1.18.3`: the Cilium release running in the world's cluster. */
export function ciliumRelease(world: SimWorld): string {
  return CILIUM_RELEASES[world.engine.options.ciliumVersion] ?? CILIUM_RELEASES['1.18'];
}
