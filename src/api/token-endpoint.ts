import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isDomainError } from '../domain/errors.js';
import { TOKEN_PATH } from '../iam/oci-access.js';
import type { RequestFacts } from '../iam/principal.js';
import { ANONYMOUS_TOKEN, type RegistryTokenAuthenticator } from '../iam/registry-auth.js';

/** How long the placeholder token for callers without credentials is said to last. */
const ANONYMOUS_TTL_SECONDS = 300;

/**
 * The token endpoint of the bearer challenge (auth.challenge: bearer), in the shape docker's
 * token client expects (distribution's token spec): GET /token with Basic AWS:<registry token>
 * answers that same token as a bearer token (permissions are checked on each /v2 request, so the
 * requested scope changes nothing); without credentials it answers a placeholder that /v2 treats
 * as anonymous, so public repositories can be pulled without `docker login`; invalid credentials
 * get 401, which is what makes `docker login` report a wrong password.
 */
export async function registryTokenEndpoint(
  app: FastifyInstance,
  options: { tokens: RegistryTokenAuthenticator; facts(request: FastifyRequest): RequestFacts },
): Promise<void> {
  app.get(TOKEN_PATH, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const now = new Date();
    try {
      const exchanged = await options.tokens.exchange(request.headers.authorization, options.facts(request));
      const token = exchanged?.token ?? ANONYMOUS_TOKEN;
      const expiresIn = exchanged ? Math.max(1, Math.floor((exchanged.expiresAt.getTime() - now.getTime()) / 1000)) : ANONYMOUS_TTL_SECONDS;
      return reply.code(200).send({ token, access_token: token, expires_in: expiresIn, issued_at: now.toISOString() });
    } catch (err) {
      if (!isDomainError(err, 'Unauthenticated')) throw err;
      return reply.code(401).send({ errors: [{ code: 'UNAUTHORIZED', message: err.message }] });
    }
  });
}
