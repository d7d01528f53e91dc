/**
 * Per-request pagination helper handed to operation handlers as `ctx.pages`. It reads the page
 * size and token from the request as the operation's paginator names them, verifies the token, and
 * seals the next one, so a handler only deals with positions:
 *
 *   const { limit, after } = ctx.pages.request<string>();          // after: last key of the previous page
 *   const page = await registry.repositories.list(accountId, { after, limit });   // a Page (src/metadata/page.ts)
 *   return { repositories: page.items, nextToken: ctx.pages.nextToken(page.next) };
 *
 * or, for an in-memory list: `const { items, nextToken } = ctx.pages.paginate(all, (r) => r.name)`.
 */
import { DEFAULT_PAGE_SIZE, filterHash, paginatorFor } from './pagination.js';
import type { JsonValue, PageTokenCodec, PaginatorSpec, TokenBinding } from './pagination.js';

export interface PageRequest<P extends JsonValue> {
  /** Page size: the request's limit key (maxResults), else the default. */
  limit: number;
  /** Position after the previous page's last item; undefined on the first page. */
  after: P | undefined;
}

export interface PageOptions {
  /** Page size when the request sets none (ECR: 100). */
  defaultLimit?: number;
}

export class Pager {
  private readonly spec: PaginatorSpec | undefined;
  private binding: TokenBinding | undefined;

  constructor(
    private readonly codec: PageTokenCodec,
    private readonly operation: string,
    private readonly accountId: string,
    private readonly input: Record<string, unknown>,
  ) {
    this.spec = paginatorFor(operation);
  }

  request<P extends JsonValue = JsonValue>(options: PageOptions = {}): PageRequest<P> {
    const spec = this.requireSpec();
    const rawLimit = spec.limitKey ? this.input[spec.limitKey] : undefined;
    const limit = typeof rawLimit === 'number' ? rawLimit : (options.defaultLimit ?? DEFAULT_PAGE_SIZE);
    const token = this.input[spec.inputToken];
    const after = typeof token === 'string' ? (this.codec.open(token, this.tokenBinding()) as P) : undefined;
    return { limit, after };
  }

  /** The token for the page after `position`, or undefined when there are no more results. */
  nextToken(position: JsonValue | undefined): string | undefined {
    if (position === undefined) return undefined;
    return this.codec.seal(this.tokenBinding(), position);
  }

  /** One page of `items`, ordered by `key` (unique per item); stable when items come and go. */
  paginate<T>(items: readonly T[], key: (item: T) => string, options: PageOptions = {}): { items: T[]; nextToken: string | undefined } {
    const { limit, after } = this.request<string>(options);
    if (after !== undefined && typeof after !== 'string') throw new TypeError('page position must be a string key');
    const sorted = [...items].sort((a, b) => compare(key(a), key(b)));
    const start = after === undefined ? 0 : sorted.findIndex((item) => compare(key(item), after) > 0);
    const rest = start === -1 ? [] : sorted.slice(start);
    const page = rest.slice(0, limit);
    const more = rest.length > limit;
    return { items: page, nextToken: more ? this.nextToken(key(page[page.length - 1]!)) : undefined };
  }

  private requireSpec(): PaginatorSpec {
    if (!this.spec) throw new Error(`ECR operation ${this.operation} is not paginated`);
    return this.spec;
  }

  private tokenBinding(): TokenBinding {
    this.binding ??= { operation: this.operation, filterHash: filterHash(this.accountId, this.input, this.requireSpec()) };
    return this.binding;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
