/**
 * A registry client shaped like the conformance suite's (reggie): request paths are templates
 * with `<name>`, `<reference>` and `<digest>`, and `<name>` defaults to the client's namespace.
 * Also the few push/pull shortcuts the focused tests build on.
 */
import { sha256 } from '../../../support/digest.js';
import type { Body, HttpClient, HttpResponse } from './http.js';
import { relativeLocation } from './http.js';

export interface PathParams {
  name?: string;
  reference?: string;
  digest?: string;
}

export interface OciRequest extends PathParams {
  headers?: Record<string, string | string[]>;
  query?: Record<string, string>;
  body?: Body;
}

export class OciClient {
  constructor(
    readonly http: () => HttpClient,
    readonly defaultName: string,
  ) {}

  path(template: string, params: PathParams = {}): string {
    return template
      .replace('<name>', params.name ?? this.defaultName)
      .replace('<reference>', params.reference ?? '')
      .replace('<digest>', params.digest ?? '');
  }

  do(method: string, template: string, request: OciRequest = {}): Promise<HttpResponse> {
    const { headers, query, body } = request;
    return this.http().send(method, this.path(template, request), { headers, query, body });
  }

  /** POST then PUT, the way the conformance setup populates blobs. */
  async pushBlob(content: Buffer, options: { name?: string; digest?: string } = {}): Promise<HttpResponse> {
    const started = await this.do('POST', '/v2/<name>/blobs/uploads/', { name: options.name });
    if (started.status !== 202) throw new Error(`upload start answered ${started.status}: ${started.body.toString()}`);
    return this.http().send('PUT', relativeLocation(started), {
      query: { digest: options.digest ?? sha256(content) },
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
    });
  }

  pushManifest(
    reference: string,
    content: Buffer | string,
    mediaType: string,
    options: { name?: string } = {},
  ): Promise<HttpResponse> {
    return this.do('PUT', '/v2/<name>/manifests/<reference>', {
      name: options.name,
      reference,
      headers: { 'content-type': mediaType },
      body: Buffer.from(content),
    });
  }
}
