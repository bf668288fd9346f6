import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP forwarder on a loopback port that can play a network partition: while it is cut,
 * nothing passes in either direction and nothing is closed (no RST, no FIN: packets just stop,
 * as when a route or a firewall drops them), and new connections get no answer. Healing lets
 * the held bytes through in order, as TCP's retransmission would.
 */
export interface TcpProxy {
  port: number;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  // Bytes that arrived while cut, per destination, in arrival order. Forwarded by hand rather than
  // with pipe(), whose back-pressure handling would resume a paused socket in the middle of a cut.
  const held = new Map<Socket, Buffer[]>();
  let partitioned = false;

  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (partitioned) held.set(to, [...(held.get(to) ?? []), chunk]);
      else to.write(chunk);
    });
    from.on('close', () => to.destroy());
  };

  const server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        held.delete(socket);
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');

  return {
    port: address.port,
    cut() {
      partitioned = true;
    },
    heal() {
      partitioned = false;
      for (const [to, chunks] of held) for (const chunk of chunks) to.write(chunk);
      held.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
