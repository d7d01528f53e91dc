/** Who is making a request, as established by authentication (SigV4, registry token, or none). */
export type Principal =
  | { kind: 'anonymous' }
  | {
      /** The account's root identity (arn:aws:iam::<account>:root). */
      kind: 'root';
      accountId: string;
      arn: string;
      accessKeyId?: string;
    }
  | {
      kind: 'user';
      accountId: string;
      /** arn:aws:iam::<account>:user/<path><name> */
      arn: string;
      userName: string;
      userId: string;
      accessKeyId?: string;
    };

/** A caller that authenticated (SigV4 or a registry token). */
export type AuthenticatedPrincipal = Exclude<Principal, { kind: 'anonymous' }>;

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/** Facts about the request that authorization conditions may read (aws:SourceIp, ...). */
export interface RequestFacts {
  requestId: string;
  sourceIp: string;
  secureTransport: boolean;
  userAgent?: string;
  now: Date;
}
