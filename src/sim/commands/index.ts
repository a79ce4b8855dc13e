/**
 * Every simulated tool, registered in one place. Each tool lives in its own module and exports a
 * `register…` function taking the registry.
 */
import type { CommandRegistry } from '../shell/types.ts';
import type { SimWorld } from '../world.ts';

export function registerCommands(registry: CommandRegistry<SimWorld>): CommandRegistry<SimWorld> {
  return registry;
}
