/**
 * The network tools a pod's image may ship: curl, nc, nslookup, dig, getent and ping. Each one
 * resolves names through kube-dns and connects through the policy engine, so what it prints
 * follows the policies in force; see each module for the exact output it imitates.
 */
import type { CommandRegistry } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import { curl, CURL_HELP } from './curl.ts';
import { dig, DIG_HELP } from './dig.ts';
import { getent, GETENT_HELP } from './getent.ts';
import { nc, NC_HELP } from './nc.ts';
import { nslookup, NSLOOKUP_HELP } from './nslookup.ts';
import { ping, PING_HELP } from './ping.ts';

export type { NetContext } from './common.ts';

/** Registers the network tools into `registry` and returns it. */
export function registerNetworkTools(
  registry: CommandRegistry<SimWorld>,
): CommandRegistry<SimWorld> {
  return registry
    .register('curl', CURL_HELP, curl)
    .register('nc', NC_HELP, nc)
    .register('nslookup', NSLOOKUP_HELP, nslookup)
    .register('dig', DIG_HELP, dig)
    .register('getent', GETENT_HELP, getent)
    .register('ping', PING_HELP, ping);
}
