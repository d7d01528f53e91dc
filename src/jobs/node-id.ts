import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Identifies this process as a lease owner among many nodes sharing one metadata store. */
export const NODE_ID = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
