/** Just enough of an OCI distribution client (over fetch) for the garbage-collection race test. */
import { sha256 } from '../../support/digest.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';

export type BlobStrategy = 'head-first' | 'monolithic' | 'session' | 'mount';

export class OciHttp {
  constructor(private readonly base: string) {}

  private url(pathOrLocation: string): string {
    return new URL(pathOrLocation, this.base).toString();
  }

  async headBlob(repo: string, digest: string): Promise<number> {
    return (await fetch(this.url(`/v2/${repo}/blobs/${digest}`), { method: 'HEAD' })).status;
  }

  /** Puts a blob the way the strategy says; returns false when the registry refused it (e.g. 429). */
  async pushBlob(repo: string, data: Buffer, strategy: BlobStrategy, mountFrom?: string): Promise<boolean> {
    const digest = sha256(data);
    if (strategy === 'head-first' && (await this.headBlob(repo, digest)) === 200) return true;
    if (strategy === 'mount' && mountFrom) {
      const res = await fetch(this.url(`/v2/${repo}/blobs/uploads/?mount=${digest}&from=${mountFrom}`), { method: 'POST' });
      await res.arrayBuffer();
      if (res.status === 201) return true;
      if (res.status !== 202) return false;
      // Not mountable: the 202 opened a session; finish it with the bytes.
      return this.finish(res.headers.get('location')!, digest, data);
    }
    if (strategy === 'session') {
      const res = await fetch(this.url(`/v2/${repo}/blobs/uploads/`), { method: 'POST' });
      await res.arrayBuffer();
      if (res.status !== 202) return false;
      const half = Math.floor(data.length / 2);
      const patch = await fetch(this.url(res.headers.get('location')!), {
        method: 'PATCH',
        headers: { 'content-type': 'application/octet-stream', 'content-range': `0-${half - 1}` },
        body: data.subarray(0, half),
      });
      await patch.arrayBuffer();
      if (patch.status !== 202) return false;
      return this.finish(patch.headers.get('location')!, digest, data.subarray(half));
    }
    const res = await fetch(this.url(`/v2/${repo}/blobs/uploads/?digest=${digest}`), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    await res.arrayBuffer();
    return res.status === 201;
  }

  private async finish(location: string, digest: string, rest: Buffer): Promise<boolean> {
    const target = new URL(location, this.base);
    target.searchParams.set('digest', digest);
    const res = await fetch(target, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: rest });
    await res.arrayBuffer();
    return res.status === 201;
  }

  async putManifest(repo: string, reference: string, body: Buffer, mediaType: string): Promise<{ status: number; code?: string }> {
    const res = await fetch(this.url(`/v2/${repo}/manifests/${reference}`), {
      method: 'PUT',
      headers: { 'content-type': mediaType },
      body,
    });
    const text = await res.text();
    const code = res.status >= 400 ? (JSON.parse(text) as { errors?: { code: string }[] }).errors?.[0]?.code : undefined;
    return { status: res.status, code };
  }

  async getManifest(repo: string, reference: string): Promise<{ status: number; body: Buffer }> {
    const res = await fetch(this.url(`/v2/${repo}/manifests/${reference}`), {
      headers: { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
    });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }

  async getBlob(repo: string, digest: string): Promise<{ status: number; body: Buffer }> {
    const res = await fetch(this.url(`/v2/${repo}/blobs/${digest}`));
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }

  async deleteManifest(repo: string, digest: string): Promise<number> {
    const res = await fetch(this.url(`/v2/${repo}/manifests/${digest}`), { method: 'DELETE' });
    await res.arrayBuffer();
    return res.status;
  }
}
