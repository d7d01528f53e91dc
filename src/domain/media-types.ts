/** Media types Berth understands, named once. */
export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export type ManifestKind = 'image' | 'index';

/** Manifest media types Berth stores, with their kind. */
export const MANIFEST_MEDIA_TYPES: ReadonlyMap<string, ManifestKind> = new Map([
  [MediaType.OciManifest, 'image'],
  [MediaType.DockerManifest, 'image'],
  [MediaType.OciIndex, 'index'],
  [MediaType.DockerManifestList, 'index'],
]);

/** Layer media types whose blobs legitimately live elsewhere (Windows base layers). */
export function isNonDistributable(mediaType: string): boolean {
  return (
    mediaType.startsWith('application/vnd.oci.image.layer.nondistributable.') ||
    mediaType === 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'
  );
}

/** Strips parameters and whitespace: "application/json; charset=utf-8" → "application/json". */
export function bareMediaType(value: string | undefined): string {
  if (!value) return '';
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}
