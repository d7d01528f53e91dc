/**
 * Matches /v2 paths by hand: repository names contain "/", so the route is found by the last
 * "/manifests/", "/blobs/", "/tags/list" or "/referrers/" segment, as the distribution spec's
 * endpoint table implies. The operation names are IAM's port (src/iam/ports.ts).
 */
import type { OciOperation } from '../../iam/ports.js';

export interface OciRoute {
  operation: OciOperation;
  name?: string;
  /** Tag or digest (manifests), digest (blobs, referrers). */
  reference?: string;
  uploadId?: string;
}

type Resource = 'manifests' | 'blobs' | 'uploads' | 'tags' | 'referrers';

const METHODS: Record<Resource, Partial<Record<string, OciOperation>>> = {
  manifests: { GET: 'manifest.get', HEAD: 'manifest.head', PUT: 'manifest.put', DELETE: 'manifest.delete' },
  blobs: { GET: 'blob.get', HEAD: 'blob.head', DELETE: 'blob.delete' },
  uploads: { GET: 'upload.status', PATCH: 'upload.patch', PUT: 'upload.complete', DELETE: 'upload.cancel' },
  tags: { GET: 'tags.list' },
  referrers: { GET: 'referrers.list' },
};

export type RouteMatch = { route: OciRoute } | { notFound: true } | { methodNotAllowed: true };

export function matchRoute(method: string, path: string): RouteMatch {
  if (path === '/v2/' || path === '/v2') {
    return method === 'GET' || method === 'HEAD' ? { route: { operation: 'base' } } : { methodNotAllowed: true };
  }
  if (!path.startsWith('/v2/')) return { notFound: true };
  const rest = path.slice(4);
  if (rest === '_catalog') return method === 'GET' ? { route: { operation: 'catalog' } } : { methodNotAllowed: true };

  if (rest.endsWith('/tags/list')) return withMethod('tags', method, { name: rest.slice(0, -'/tags/list'.length) });
  if (rest.endsWith('/blobs/uploads/') || rest.endsWith('/blobs/uploads')) {
    const name = rest.slice(0, rest.lastIndexOf('/blobs/uploads'));
    return method === 'POST' ? { route: { operation: 'upload.start', name } } : { methodNotAllowed: true };
  }
  const upload = rest.lastIndexOf('/blobs/uploads/');
  if (upload > 0) {
    const uploadId = rest.slice(upload + '/blobs/uploads/'.length);
    if (!uploadId.includes('/')) return withMethod('uploads', method, { name: rest.slice(0, upload), uploadId });
  }
  for (const resource of ['manifests', 'blobs', 'referrers'] as const) {
    const at = rest.lastIndexOf(`/${resource}/`);
    if (at > 0) {
      const reference = rest.slice(at + resource.length + 2);
      if (reference.length > 0 && !reference.includes('/')) {
        return withMethod(resource, method, { name: rest.slice(0, at), reference });
      }
    }
  }
  return { notFound: true };
}

function withMethod(resource: Resource, method: string, route: Omit<OciRoute, 'operation'>): RouteMatch {
  const operation = METHODS[resource][method];
  return operation ? { route: { operation, ...route } } : { methodNotAllowed: true };
}
