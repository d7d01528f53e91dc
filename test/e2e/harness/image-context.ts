import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A build context for a FROM scratch image with one layer per COPY: a small text file, a file of
 * random bytes larger than 1 MiB (incompressible, so the layer really is that big), and a nested
 * directory. Random content makes every run's layers new to the registry and to the daemon.
 */
export async function writeScratchContext(dir: string, file: 'Dockerfile' | 'Containerfile'): Promise<void> {
  await mkdir(join(dir, 'etc'), { recursive: true });
  await writeFile(join(dir, 'hello.txt'), `hello from berth e2e ${randomBytes(8).toString('hex')}\n`);
  await writeFile(join(dir, 'random.bin'), randomBytes(1536 * 1024 + 123));
  await writeFile(join(dir, 'etc', 'berth.conf'), `id=${randomBytes(16).toString('hex')}\n`);
  await writeFile(
    join(dir, file),
    ['FROM scratch', 'COPY hello.txt /hello.txt', 'COPY random.bin /data/random.bin', 'COPY etc /etc', 'LABEL org.berth.e2e=true', ''].join(
      '\n',
    ),
  );
}
