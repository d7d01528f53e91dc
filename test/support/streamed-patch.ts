import { type ClientRequest, type IncomingMessage, request } from 'node:http';

/**
 * A streamed upload PATCH (chunked, no Content-Length) whose body a test writes piece by piece,
 * to stall it or cut it where it likes. `response` settles with the answer, or rejects when the
 * connection fails first.
 */
export function streamedPatch(url: string): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const req = request(url, { method: 'PATCH', headers: { 'content-type': 'application/octet-stream' }, agent: false });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', (res) => {
      res.resume();
      resolve(res);
    });
    req.on('error', reject);
  });
  return { req, response };
}

/** Writes a piece of the body; resolves once it is handed to the socket. */
export function writeChunk(req: ClientRequest, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => req.write(bytes, (err) => (err ? reject(err) : resolve())));
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
