/**
 * Pagination as the model's paginators describe it (paginators-1.json: input_token, output_token,
 * limit_key, result_key), with opaque, tamper-proof tokens.
 *
 * A token is `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`, where the payload
 * binds the operation, a hash of the account and the request's filter parameters (every input
 * member except the token and the page size, which clients may change between pages), the
 * position after the last item returned, and an expiry. A token that was altered, belongs to
 * another operation, account or filter, or has expired answers InvalidParameterException. All nodes
 * of a deployment must share the secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { EcrApiError } from './errors.js';
import { ecrPaginators, getOperationModel, getShape } from './model/index.js';
import { invalidParameterMessage } from '../../domain/errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface PaginatorSpec {
  inputToken: string;
  outputToken: string;
  limitKey?: string;
  /** Output members holding the page's items (dotted paths, as in paginators-1.json). */
  resultKeys: string[];
}

/** ECR's documented page size when maxResults is absent (DescribeRepositories, DescribeImages, ListImages). */
export const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_TTL_SECONDS = 24 * 60 * 60;
const MAC_CONTEXT = 'berth-ecr-page-token-v1\n';

/**
 * The operation's paginator: from paginators-1.json, or for operations the file omits but whose
 * input and output both carry nextToken (ListImageReferrers, ...), the same nextToken/maxResults
 * convention.
 */
export function paginatorFor(operation: string): PaginatorSpec | undefined {
  const configured = Object.hasOwn(ecrPaginators.pagination, operation) ? ecrPaginators.pagination[operation] : undefined;
  if (configured) {
    const resultKeys = Array.isArray(configured.result_key) ? configured.result_key : [configured.result_key];
    return { inputToken: configured.input_token, outputToken: configured.output_token, limitKey: configured.limit_key, resultKeys };
  }
  const op = getOperationModel(operation);
  if (!op?.input || !op.output) return undefined;
  const inputMembers = getShape(op.input.shape).members ?? {};
  const outputMembers = getShape(op.output.shape).members ?? {};
  if (!('nextToken' in inputMembers) || !('nextToken' in outputMembers)) return undefined;
  return {
    inputToken: 'nextToken',
    outputToken: 'nextToken',
    limitKey: 'maxResults' in inputMembers ? 'maxResults' : undefined,
    resultKeys: Object.keys(outputMembers).filter((k) => k !== 'nextToken' && getShape(outputMembers[k]!.shape).type === 'list'),
  };
}

function invalidTokenError(tokenMember = 'nextToken'): EcrApiError {
  return new EcrApiError('InvalidParameterException', invalidParameterMessage(tokenMember, 'Invalid NextToken'));
}

export interface TokenBinding {
  operation: string;
  filterHash: string;
}

export class PageTokenCodec {
  private readonly secret: Buffer;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(secret: string | Uint8Array, options: { ttlSeconds?: number; now?: () => number } = {}) {
    this.secret = Buffer.from(secret);
    if (this.secret.length < 16) throw new Error('pagination secret must be at least 16 bytes');
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  seal(binding: TokenBinding, position: JsonValue): string {
    const payload = { o: binding.operation, f: binding.filterHash, p: position, x: Math.floor(this.now() / 1000) + this.ttlSeconds };
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${encoded}.${this.mac(encoded).toString('base64url')}`;
  }

  /** The position sealed in `token`; throws InvalidParameterException when it is not valid here. */
  open(token: string, binding: TokenBinding): JsonValue {
    const [encoded, mac, extra] = token.split('.');
    if (!encoded || !mac || extra !== undefined) throw invalidTokenError();
    const expected = this.mac(encoded);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidTokenError();
    let payload: { o?: unknown; f?: unknown; p?: JsonValue; x?: unknown };
    try {
      payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as typeof payload;
    } catch {
      throw invalidTokenError();
    }
    const fresh = typeof payload.x === 'number' && payload.x * 1000 > this.now();
    if (payload.o !== binding.operation || payload.f !== binding.filterHash || !fresh || payload.p === undefined) {
      throw invalidTokenError();
    }
    return payload.p;
  }

  private mac(encoded: string): Buffer {
    return createHmac('sha256', this.secret).update(MAC_CONTEXT).update(encoded).digest();
  }
}

/** Hash of the account and every input member except the token and page size. */
export function filterHash(accountId: string, input: Record<string, unknown>, spec: PaginatorSpec): string {
  const filters: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (k !== spec.inputToken && k !== spec.limitKey) filters[k] = v;
  return createHash('sha256').update(canonicalJson({ accountId, filters })).digest('base64url').slice(0, 22);
}

/** Deterministic JSON: sorted keys, Dates as ISO strings, bytes as base64. */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
