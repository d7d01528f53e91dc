import { MediaType } from '../../../domain/media-types.js';
import { parseLimit } from '../http.js';
import type { OciCall, OciHandler } from './context.js';

const MAX_PAGE = 1000;

function nextLink(call: OciCall, path: string, limit: number, next: string | undefined): void {
  if (next === undefined) return;
  const params = new URLSearchParams({ n: String(limit), last: next });
  call.reply.header('Link', `<${path}?${params.toString()}>; rel="next"`);
}

/** Tags in lexical order; `n` and `last` page through them, with a Link header when more follow. */
export const listTags: OciHandler = async (call) => {
  const { reply, key, query, registry } = call;
  const n = parseLimit(query.get('n'), MAX_PAGE, MAX_PAGE);
  const last = query.get('last') ?? undefined;
  // n=0 still answers NAME_UNKNOWN for a missing repository, with an empty list otherwise.
  const page = n === 0 ? (await registry.repositories.get(key), { items: [] as string[] }) : await registry.discovery.tags(key, { after: last, limit: n });
  nextLink(call, `/v2/${key.name}/tags/list`, n, (page as { next?: string }).next);
  reply.code(200).header('Content-Type', 'application/json').send(JSON.stringify({ name: key.name, tags: page.items }));
};

export const catalog: OciHandler = async (call) => {
  const { reply, key, query, registry } = call;
  const n = parseLimit(query.get('n'), 100, MAX_PAGE);
  const last = query.get('last') ?? undefined;
  const page = n === 0 ? { items: [] as string[] } : await registry.discovery.catalog(key.accountId, { after: last, limit: n });
  nextLink(call, '/v2/_catalog', n, (page as { next?: string }).next);
  reply.code(200).header('Content-Type', 'application/json').send(JSON.stringify({ repositories: page.items }));
};

/** The referrers of a subject as an OCI index, optionally filtered by artifactType. */
export const listReferrers: OciHandler = async ({ reply, route, key, query, registry }) => {
  const artifactType = query.get('artifactType') ?? undefined;
  const referrers = await registry.discovery.referrers(key, route.reference!, artifactType);
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: referrers.map((r) => ({
      mediaType: r.mediaType,
      digest: r.digest,
      size: r.size,
      ...(r.artifactType !== undefined && { artifactType: r.artifactType }),
      ...(r.annotations !== undefined && { annotations: r.annotations }),
    })),
  };
  if (artifactType !== undefined) reply.header('OCI-Filters-Applied', 'artifactType');
  // A Buffer, so fastify does not append "; charset=utf-8" to the media type (clients compare it exactly).
  reply.code(200).header('Content-Type', MediaType.OciIndex).send(Buffer.from(JSON.stringify(index)));
};

export const base: OciHandler = async ({ reply }) => {
  reply.code(200).header('Content-Type', 'application/json').send('{}');
};
