import { describe, expect, it } from 'vitest';
import { DomainError, type DomainErrorCode } from '../../../src/domain/errors.js';
import { EcrApiError, errorStatus, exceptionForDomainCode, toWireError } from '../../../src/api/ecr/errors.js';
import type { EcrErrorName } from '../../../src/api/ecr/errors.js';
import { modelExceptionNames } from '../../../src/api/ecr/model/index.js';
import { SigV4Error } from '../../../src/iam/sigv4/index.js';

// Every code has a mapping: test/api/error-catalogue.test.ts.
describe('error catalogue', () => {
  it('knows every exception in the model: 400, and 500 for the ServerException fault', () => {
    const names = modelExceptionNames();
    expect(names).toHaveLength(47);
    for (const name of names) {
      expect(errorStatus(name as EcrErrorName), name).toBe(name === 'ServerException' ? 500 : 400);
    }
  });

  it('maps domain codes to the exceptions AWS users know', () => {
    expect(exceptionForDomainCode('LifecyclePolicyNotFound')).toBe('LifecyclePolicyNotFoundException');
    expect(exceptionForDomainCode('ManifestNotFound')).toBe('ImageNotFoundException');
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

  it('answers a code forced past the type, internal errors and plain exceptions with a bare ServerException', () => {
    for (const err of [new DomainError('SomethingNew' as DomainErrorCode, 'secret detail'), new DomainError('Internal', 'disk /dev/sda1 failed'), new Error('boom')]) {
      const wire = toWireError(err);
      expect(wire.statusCode).toBe(500);
      expect(wire.fault).toBe(true);
      expect(wire.body).toEqual({ __type: 'ServerException', message: 'An internal error occurred. Try the request again.' });
    }
  });

  it('passes SigV4 errors through, but not other errors that merely carry a code', () => {
    expect(toWireError(new SigV4Error('MissingAuthenticationTokenException', 'Missing Authentication Token'))).toMatchObject({
      statusCode: 400,
      body: { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
    });
    const named = Object.assign(new Error('Token expired'), { awsErrorCode: 'ExpiredTokenException', statusCode: 400 });
    expect(toWireError(named).body).toEqual({ __type: 'ServerException', message: 'An internal error occurred. Try the request again.' });
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
