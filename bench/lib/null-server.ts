import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * The cheapest HTTP/1.1 peer this bench can build, to show the client is not what limits the
 * registry figures: PUT bodies are counted and dropped, GET answers with `size` bytes from one
 * reused buffer. Raw TCP, no HTTP framework; it handles exactly the requests curl sends here.
 */
export async function startNullServer(size: number): Promise<{ url: string; close(): Promise<void> }> {
  const payload = Buffer.alloc(4 * 1024 * 1024, 0x5a);
  const server: Server = createServer((socket) => serve(socket, size, payload));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('null server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/null`,
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}

function serve(socket: Socket, size: number, payload: Buffer): void {
  let head = Buffer.alloc(0);
  let remaining = -1;
  socket.on('data', (chunk: Buffer) => {
    if (remaining < 0) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const text = head.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text)?.[1] ?? 0);
      if (text.startsWith('GET ')) {
        remaining = 0;
        void sendBody(socket, size, payload);
        return;
      }
      remaining = length - (head.length - end - 4);
    } else {
      remaining -= chunk.length;
    }
    if (remaining === 0) socket.end('HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  socket.on('error', () => socket.destroy());
}

async function sendBody(socket: Socket, size: number, payload: Buffer): Promise<void> {
  socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n`);
  for (let sent = 0; sent < size; ) {
    const part = payload.subarray(0, Math.min(payload.length, size - sent));
    sent += part.length;
    if (!socket.write(part)) await once(socket, 'drain');
  }
  socket.end();
}
