import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Ends connections that reach http.idleTimeoutSeconds (server.timeout) without moving a byte.
 *
 * Node's default is a plain close, which is right for an idle keep-alive connection but not for
 * a download whose client stopped reading: what the client has not taken stays queued in the
 * kernel, the socket lingers for minutes probing a zero window (FIN-WAIT-1, a few MB each), and
 * the client never learns the response was abandoned. With bytes still waiting to be sent, the
 * connection is reset instead, which frees it at once. A stalled upload needs nothing special:
 * closing a socket with unread input already sends a reset.
 */
export function endIdleConnections(server: Server): void {
  // A listener here replaces Node's default close on timeout.
  server.on('timeout', (socket: Socket) => {
    if (socket.writableLength === 0) {
      socket.destroy();
      return;
    }
    try {
      socket.resetAndDestroy();
    } catch {
      // Not a TCP handle of its own (a TLS socket): the plain close is what is left.
      socket.destroy();
    }
  });
}
