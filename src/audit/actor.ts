import type { Principal } from '../iam/principal.js';

/**
 * Who caused a change: a request principal's ARN, `anonymous`, or a system actor such as
 * `berth:lifecycle`. Mutating service calls take it explicitly and put it on the outbox events
 * they write, so audit records name who did what. (Not carried in AsyncLocalStorage: on Node 20
 * that turns on promise hooks for the whole process and cost every request ~12% CPU.)
 */
export type Actor = string;

export const SYSTEM_ACTOR: Actor = 'berth:system';

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.arn;
}
