import { z } from 'zod';

/*
 * How each outbox event type is declared: the envelope (the account it concerns, if any) and its
 * payload, as one zod schema per type. Producers build events of these types; the dispatcher
 * checks every stored event against its type's schema before a subscriber sees it.
 */

/** An event about something in one account: `accountId` is always set. */
export function accountEvent<P extends z.ZodRawShape>(payload: P) {
  return z.object({ accountId: z.string(), payload: z.object(payload) });
}

/** An event about the whole registry (a GC run, a vulnerability database update): no account. */
export function registryWideEvent<P extends z.ZodRawShape>(payload: P) {
  return z.object({ accountId: z.string().optional(), payload: z.object(payload) });
}

/** Every event about a repository names it and who caused the change (a principal's ARN, `anonymous`, or a system actor). */
export const aboutRepository = { repositoryName: z.string(), actor: z.string() };

export const digest = z.string();
export const tags = z.array(z.string()).readonly();
