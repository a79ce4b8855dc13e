/**
 * Which Hubble server answers. On the learner's host the CLI talks to Hubble Relay on
 * localhost:4245, which merges the flows of every node. Inside a Cilium agent container the
 * `hubble` binary talks to that agent's own server over its Unix socket and sees only that
 * node's flows.
 */
import type { ShellState } from '../../shell/types.ts';
import type { LoggedFlow, SimWorld } from '../../world.ts';
import { agentNode, inAgent } from '../cilium/agents.ts';

export interface HubbleServer {
  /** The address the CLI prints (`Healthcheck (via ...)`). */
  target: string;
  /** The node of a local agent server; absent for Relay. */
  node?: string;
}

export const RELAY_TARGET = 'localhost:4245';
export const AGENT_SOCKET = 'unix:///var/run/cilium/hubble.sock';

export function hubbleServer(world: SimWorld, shell: ShellState): HubbleServer {
  if (!inAgent(world, shell)) return { target: RELAY_TARGET };
  return { target: AGENT_SOCKET, node: agentNode(world, shell).name };
}

/** The buffered flows the server holds. */
export function serverFlows(server: HubbleServer, entries: readonly LoggedFlow[]): LoggedFlow[] {
  return server.node === undefined
    ? [...entries]
    : entries.filter((e) => e.flow.node_name === server.node);
}
