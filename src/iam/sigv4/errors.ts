/**
 * Authentication failures, shaped like the errors AWS's JSON-protocol services (ECR included)
 * return: `awsCode` becomes `__type` on the wire. ECR answers all of them with HTTP 400 (observed:
 * "Missing Authentication Token (Service: AmazonECR; Status Code: 400 ...)" and
 * UnrecognizedClientException 400 from ecr.<region>.amazonaws.com); the texts follow what AWS's
 * Coral stack sends, so clients and people searching for the message find the usual advice.
 */
export type SigV4ErrorCode =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

export class SigV4Error extends Error {
  readonly httpStatus = 400;
  constructor(
    readonly awsCode: SigV4ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SigV4Error';
  }
}

export function isSigV4Error(err: unknown): err is SigV4Error {
  return err instanceof SigV4Error;
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export const missingToken = (): SigV4Error =>
  new SigV4Error('MissingAuthenticationTokenException', 'Missing Authentication Token');

export const incomplete = (message: string): SigV4Error =>
  new SigV4Error('IncompleteSignatureException', message);

export const invalidSignature = (message: string): SigV4Error =>
  new SigV4Error('InvalidSignatureException', message);

export const unrecognizedClient = (withPeriod = true): SigV4Error =>
  new SigV4Error(
    'UnrecognizedClientException',
    `The security token included in the request is invalid${withPeriod ? '.' : ''}`,
  );
