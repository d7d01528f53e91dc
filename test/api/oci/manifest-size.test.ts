/** A manifest over the 4 MiB limit is refused without costing the client its connection. */
import { describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { useRegistry } from './helpers.js';

const { registry } = useRegistry();

describe('an oversized manifest', () => {
  it('is answered 413 SIZE_INVALID, and the same keep-alive connection serves the next request', async () => {
    const http = registry().http;
    const sockets = new Set<unknown>();
    http.agent.on('free', (socket) => sockets.add(socket));
    const refused = await http.send('PUT', '/v2/team/big/manifests/latest', {
      body: Buffer.alloc(5 * 1024 * 1024, 0x20),
      headers: { 'content-type': OCI_MANIFEST },
    });
    expect([refused.status, refused.errorCode()]).toEqual([413, 'SIZE_INVALID']);
    const next = await http.send('GET', '/v2/');
    expect(next.status).toBe(200);
    expect(sockets.size).toBe(1);
  }, 15_000);
});
