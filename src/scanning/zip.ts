import yauzl from 'yauzl';

/** Promise wrappers over yauzl's lazy-entry events, shared by the OSV zip importer and the jar reader. */
export function openZipBuffer(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, ZIP_OPTIONS, (err, z) => (err || !z ? reject(err ?? new Error('not a zip archive')) : resolve(z))),
  );
}

export function openZipFile(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, ZIP_OPTIONS, (err, z) => (err || !z ? reject(err ?? new Error('not a zip archive')) : resolve(z))),
  );
}

const ZIP_OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true };

export function nextZipEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
    };
    const onEntry = (e: yauzl.Entry): void => (cleanup(), resolve(e));
    const onEnd = (): void => (cleanup(), resolve(null));
    const onError = (err: Error): void => (cleanup(), reject(err));
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/** Reads one entry whole, refusing more than `maxBytes` (whatever the central directory claims). */
export function readZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (entry.uncompressedSize > maxBytes) return reject(new Error(`larger than ${maxBytes} bytes`));
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('cannot read zip entry'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) stream.destroy(new Error(`larger than ${maxBytes} bytes`));
        else chunks.push(c);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
