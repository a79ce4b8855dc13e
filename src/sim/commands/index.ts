/**
 * Every simulated tool, registered in one place. Each tool lives in its own module and exports a
 * `register…` function taking the registry.
 */
import type { CommandRegistry } from '../shell/types.ts';
import type { SimWorld } from '../world.ts';
import { registerKubectl } from './kubectl/index.ts';
import { registerNetworkTools } from './net/index.ts';
import { registerHubble } from './hubble/index.ts';
import { registerCilium } from './cilium/index.ts';

export function registerCommands(registry: CommandRegistry<SimWorld>): CommandRegistry<SimWorld> {
  registerNetworkTools(registry);
  registerKubectl(registry);
  registerHubble(registry);
  registerCilium(registry);
  return registry;
}
