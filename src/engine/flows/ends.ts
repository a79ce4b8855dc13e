/**
 * The two ends of the connection a flow record belongs to. A record goes one way, but the graph,
 * the flow table and the explanations speak of connections: who opened it, to which port.
 */
import type { Protocol } from '../types.ts';
import type { Flow, FlowEndpoint, Layer4, PortPair, TcpFlags } from './model.ts';

/** The one member of a record's `l4`, whichever protocol it is. */
export function layer4Of(l4: Layer4): (PortPair & { protocol: Protocol; flags?: TcpFlags }) | null {
  // Typed as a union, but an imported record is only as good as its file.
  const members = l4 as Partial<Record<Protocol, PortPair & { flags?: TcpFlags }>>;
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    const p = members[protocol];
    if (p) return { protocol, ...p };
  }
  return null;
}

export interface FlowEnds {
  client: FlowEndpoint;
  server: FlowEndpoint;
  /** The names the client's address was learned under through the DNS proxy. */
  clientNames?: string[];
  serverNames?: string[];
  protocol: Protocol;
  /** The server's port: the one the connection was opened to. */
  port: number;
  clientPort: number;
}

/**
 * Client and server as the datapath marked them: a reply (`is_reply: true`) goes from the server
 * back to the client, every other record (requests, and drops, where the datapath cannot tell)
 * from the client. Null without ports.
 */
export function flowEnds(f: Flow): FlowEnds | null {
  const l4 = layer4Of(f.l4);
  if (!l4) return null;
  const reply = f.is_reply === true;
  return reply
    ? {
        client: f.destination,
        server: f.source,
        clientNames: f.destination_names,
        serverNames: f.source_names,
        protocol: l4.protocol,
        port: l4.source_port,
        clientPort: l4.destination_port,
      }
    : {
        client: f.source,
        server: f.destination,
        clientNames: f.source_names,
        serverNames: f.destination_names,
        protocol: l4.protocol,
        port: l4.destination_port,
        clientPort: l4.source_port,
      };
}
