import { Socket } from 'node:net';
import type { ChannelModel } from 'amqplib';

/**
 * amqplib's multiplexer hands the socket one chunk per `write`: a message (its three frames joined
 * when it is small) or an ack, and with TCP_NODELAY (which we set: see rabbitmq-topology.ts) each
 * write is a syscall and a packet of its own. Under load they were a fifth of the orders service's
 * CPU samples. Corking the socket at the first write of a turn and uncorking it on the next tick
 * sends what that turn wrote in one `writev` (up to the socket's 16 KiB buffer: past it amqplib
 * waits for 'drain' and the rest follows in the next), and nothing waits for a timer. amqplib has
 * no option for it, hence this wrapper.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalesced(this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/**
 * The TCP socket under a connection: amqplib keeps it as `connection.stream` without declaring it
 * in its types. Undefined (nothing is coalesced) if a release moves it.
 */
export function socketOf(model: ChannelModel): Socket | undefined {
  const stream = (model.connection as { stream?: unknown }).stream;
  return stream instanceof Socket ? stream : undefined;
}
