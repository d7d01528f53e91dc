import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { EcrApiError, errorStatus, exceptionForDomainCode, toWireError } from '../../../src/api/ecr/errors.js';
import type { EcrErrorName } from '../../../src/api/ecr/errors.js';
import { modelExceptionNames } from '../../../src/api/ecr/model/index.js';
import { SigV4Error } from '../../../src/iam/sigv4/index.js';

/** The core codes of src/domain/errors.ts. */
const CORE_CODES = [
  'NameInvalid', 'RepositoryNotFound', 'RepositoryAlreadyExists', 'RepositoryNotEmpty', 'BlobNotFound',
  'BlobUploadNotFound', 'BlobUploadInvalid', 'RangeNotSatisfiable', 'DigestInvalid', 'SizeInvalid',
  'ManifestInvalid', 'ManifestNotFound', 'ManifestBlobUnknown', 'ManifestTooLarge', 'TagInvalid',
  'ImageTagAlreadyExists', 'ImageAlreadyExists', 'ImageArchived', 'Unsupported', 'Unauthenticated',
  'AccessDenied', 'TooManyRequests', 'InvalidParameter', 'LimitExceeded', 'NotFound', 'Conflict',
];

describe('error catalogue', () => {
  it('knows every exception in the model: 400, and 500 for the ServerException fault', () => {
    const names = modelExceptionNames();
    expect(names).toHaveLength(47);
    for (const name of names) {
      expect(errorStatus(name as EcrErrorName), name).toBe(name === 'ServerException' ? 500 : 400);
      // Modules reach each one through the code named after it (LifecyclePolicyNotFound -> ...Exception).
      expect(exceptionForDomainCode(name.replace(/Exception$/, '')), name).toBe(name);
    }
  });

  it('maps every core domain code to a client error', () => {
    for (const code of CORE_CODES) {
      const name = exceptionForDomainCode(code);
      expect(errorStatus(name), code).toBeLessThan(500);
    }
    expect(exceptionForDomainCode('RepositoryNotFound')).toBe('RepositoryNotFoundException');
    expect(exceptionForDomainCode('ImageTagAlreadyExists')).toBe('ImageTagAlreadyExistsException');
    expect(exceptionForDomainCode('AccessDenied')).toBe('AccessDeniedException');
    expect(exceptionForDomainCode('TooManyRequests')).toBe('ThrottlingException');
  });

  it('lets an operation choose its own exception for a code', () => {
    expect(exceptionForDomainCode('DigestInvalid', { DigestInvalid: 'ImageDigestDoesNotMatchException' })).toBe(
      'ImageDigestDoesNotMatchException',
    );
  });

  it('serialises domain errors with their message and the detail members the exception declares', () => {
    const err = new DomainError('BlobUploadInvalid', 'Layer part out of order', {
      uploadId: 'u-1',
      lastValidByteReceived: 1023,
      repositoryName: 'app',
      internalPath: '/srv/x',
    });
    expect(toWireError(err)).toEqual({
      statusCode: 400,
      name: 'InvalidLayerPartException',
      fault: false,
      body: {
        __type: 'InvalidLayerPartException',
        message: 'Layer part out of order',
        repositoryName: 'app',
        uploadId: 'u-1',
        lastValidByteReceived: 1023,
      },
    });
  });

  it('answers unknown codes, internal errors and plain exceptions with a bare ServerException', () => {
    for (const err of [new DomainError('SomethingNew', 'secret detail'), new DomainError('Internal', 'disk /dev/sda1 failed'), new Error('boom')]) {
      const wire = toWireError(err);
      expect(wire.statusCode).toBe(500);
      expect(wire.fault).toBe(true);
      expect(wire.body).toEqual({ __type: 'ServerException', message: 'An internal error occurred. Try the request again.' });
    }
  });

  it('passes through errors that name their AWS code, but not framework errors that merely have a code', () => {
    expect(toWireError(new SigV4Error('MissingAuthenticationTokenException', 'Missing Authentication Token'))).toMatchObject({
      statusCode: 400,
      body: { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
    });
    const chosen = Object.assign(new Error('Token expired'), { awsErrorCode: 'ExpiredTokenException', statusCode: 400 });
    expect(toWireError(chosen).body).toEqual({ __type: 'ExpiredTokenException', message: 'Token expired' });
    const framework = Object.assign(new Error('internal detail'), { code: 'FST_ERR_X', statusCode: 400 });
    expect(toWireError(framework).statusCode).toBe(500);
  });

  it('namespaces protocol errors as AWS does and omits an absent message', () => {
    expect(toWireError(new EcrApiError('UnknownOperationException')).body).toEqual({
      __type: 'com.amazon.coral.service#UnknownOperationException',
    });
    expect(toWireError(new EcrApiError('ThrottlingException', 'Rate exceeded'))).toMatchObject({
      statusCode: 400,
      body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
    });
  });
});
