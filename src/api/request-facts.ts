import type { FastifyRequest } from 'fastify';
import type { RequestFacts } from '../iam/principal.js';

/**
 * Facts about a request that authorization conditions read (aws:SourceIp, aws:SecureTransport,
 * aws:UserAgent, aws:CurrentTime), the same for both APIs and the token endpoint. The time is
 * the request's wall-clock time: SigV4 signatures and registry tokens are checked against it.
 */
export function requestFacts(request: FastifyRequest, requestId: string = String(request.id)): RequestFacts {
  return {
    requestId,
    sourceIp: request.ip,
    secureTransport: request.protocol === 'https',
    userAgent: request.headers['user-agent'],
    now: new Date(),
  };
}
