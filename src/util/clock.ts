/**
 * What "now" is. Services, the job runner, the scheduler and the event dispatcher take one
 * instead of reading the system time, so time-dependent behaviour (grace periods, idle limits,
 * lease expiry, 24-hour quotas) is testable by moving a test clock rather than by sleeping.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
