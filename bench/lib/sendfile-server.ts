import { requireTool } from './tools.js';
import { freePort, startServer, type ServerProcess } from './server-process.js';

/*
 * Written by hand, in Python, because what it measures is sendfile(2): Node has no sendfile for
 * sockets, and the point is a server with no user-space copy at all. GET /v2/ answers 200 (the
 * readiness probe every bench server passes); any other GET gets the whole file.
 */
const SCRIPT = `
import os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
path, port = sys.argv[1], int(sys.argv[2])
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/v2/':
            self.send_response(200); self.send_header('Content-Length', '2'); self.end_headers()
            self.wfile.write(b'{}'); return
        with open(path, 'rb') as f:
            self.send_response(200)
            self.send_header('Content-Type', 'application/octet-stream')
            self.send_header('Content-Length', str(os.fstat(f.fileno()).st_size))
            self.end_headers(); self.wfile.flush()
            self.connection.sendfile(f)
    def log_message(self, *args): pass
ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()
`;

/**
 * The most any server can do for a blob pull on this machine: the file goes from the page cache
 * to the socket inside the kernel, with no read into a buffer and no copy out of one. Pulled beside
 * the registries, its ratio to the baseline shows how much room the machine leaves for target (b).
 */
export async function startSendfileServer(file: string, logFile: string): Promise<ServerProcess & { url: string }> {
  const python = requireTool('python3', '/usr/bin/python3');
  const port = await freePort();
  const server = await startServer({ label: 'sendfile reference', command: python, args: ['-c', SCRIPT, file, String(port)], port, logFile });
  return { ...server, url: `${server.baseUrl}/blob` };
}
