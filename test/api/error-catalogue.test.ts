/**
 * Every domain error code is decided on every adapter and documented, in the manner of fastify's
 * error-catalogue test (test/internals/errors.test.js: every code exported and documented). The
 * typecheck already refuses a code without a mapping; this keeps the mappings honest: each names a
 * real wire error, and only Berth's own faults answer 5xx.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOMAIN_ERRORS, toWireError } from '../../src/api/ecr/errors.js';
import { OCI_ERRORS, toOciError } from '../../src/api/oci/errors.js';
import { DOMAIN_ERROR_CODES, DomainError, ERROR_CODE_LISTS, ERROR_DESCRIPTIONS, type DomainErrorCode } from '../../src/domain/errors.js';

/** The ECR model's exceptions, read from the model file itself. */
const model = JSON.parse(readFileSync(new URL('../../src/api/ecr/model/service-2.json', import.meta.url), 'utf8')) as {
  shapes: Record<string, { exception?: boolean }>;
};
const MODEL_EXCEPTIONS = new Set(Object.entries(model.shapes).filter(([, shape]) => shape.exception).map(([name]) => name));

/** Errors every AWS JSON service may answer with (AWS "Common Errors", and the SigV4 failures ECR sends). */
const AWS_COMMON_ERRORS = new Set([
  'AccessDeniedException',
  'ThrottlingException',
  'ValidationException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'ServiceUnavailableException',
  'ServerException',
]);

/** The distribution spec's codes, distribution's TAG_INVALID, and UNKNOWN for server faults. */
const OCI_CODES = new Set([
  'BLOB_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN', 'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN', 'NAME_INVALID', 'NAME_UNKNOWN', 'SIZE_INVALID', 'UNAUTHORIZED', 'DENIED', 'UNSUPPORTED', 'TOOMANYREQUESTS',
  'TAG_INVALID', 'UNKNOWN',
]);

/** Berth's own faults: answered as a server error on both adapters, without their message. */
const SERVER_FAULTS: readonly DomainErrorCode[] = ['Internal', 'ScanFailed', 'VulnDbImportFailed', 'SbomInvalid', 'StorageFull'];
/** Faults whose (fixed, secret-free) message is sent all the same: it names what the operator must fix. */
const FAULTS_WITH_MESSAGE: readonly DomainErrorCode[] = ['StorageFull'];

describe('domain error catalogue', () => {
  it('lists each code in exactly one module', () => {
    const seen = new Map<string, string>();
    for (const [module, list] of Object.entries(ERROR_CODE_LISTS)) {
      for (const code of Object.keys(list)) {
        expect(seen.get(code), `${code} is listed by ${seen.get(code)} and ${module}`).toBeUndefined();
        seen.set(code, module);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
  });

  it.each(DOMAIN_ERROR_CODES)('%s is documented in one line', (code) => {
    const description = ERROR_DESCRIPTIONS[code];
    expect(description.trim().length, code).toBeGreaterThan(10);
    expect(description, code).not.toMatch(/\n/);
  });

  it.each(DOMAIN_ERROR_CODES)('%s has an OCI mapping with a code from the spec', (code) => {
    const entry = OCI_ERRORS[code];
    expect(entry, code).toBeDefined();
    expect(OCI_CODES.has(entry.code), `${code} -> ${entry.code}`).toBe(true);
    expect(entry.status >= 400 && entry.status <= 599, `${code} -> ${entry.status}`).toBe(true);
    expect(entry.code === 'UNKNOWN', `${code}: UNKNOWN is for server faults only`).toBe(entry.status >= 500);
    const response = toOciError(new DomainError(code, 'what was wrong'))!;
    expect(response.status).toBe(entry.status);
    expect(response.body.errors[0]!.code).toBe(entry.code);
  });

  it.each(DOMAIN_ERROR_CODES)('%s has an ECR mapping to an exception of the model or a common AWS error', (code) => {
    const name = DOMAIN_ERRORS[code];
    expect(name, code).toBeDefined();
    expect(MODEL_EXCEPTIONS.has(name) || AWS_COMMON_ERRORS.has(name), `${code} -> ${name}`).toBe(true);
    expect(toWireError(new DomainError(code, 'what was wrong')).name).toBe(name);
  });

  it.each(DOMAIN_ERROR_CODES)('%s is a server fault on both adapters or on neither', (code) => {
    const fault = SERVER_FAULTS.includes(code);
    const oci = toOciError(new DomainError(code, 'secret detail'))!;
    const ecr = toWireError(new DomainError(code, 'secret detail'));
    expect([oci.status >= 500, ecr.fault], code).toEqual([fault, fault]);
    if (fault && !FAULTS_WITH_MESSAGE.includes(code)) {
      expect(JSON.stringify(oci.body)).not.toContain('secret detail');
      expect(JSON.stringify(ecr.body)).not.toContain('secret detail');
    } else {
      expect(oci.body.errors[0]!.message).toBe('secret detail');
      expect(ecr.body.message).toBe('secret detail');
    }
  });

  it('answers a full disk, quota or database as StorageFull on both adapters: 507 UNKNOWN, ServerException, naming it', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL']) {
      const cause = Object.assign(new Error(`${code}: /var/lib/berth/storage/uploads/x/data`), { code });
      const oci = toOciError(cause)!;
      expect([oci.status, oci.body.errors[0]!.code], code).toEqual([507, 'UNKNOWN']);
      expect(oci.body.errors[0]!.message).toMatch(/^storage full: /);
      const ecr = toWireError(cause);
      expect([ecr.statusCode, ecr.body.__type, ecr.fault]).toEqual([500, 'ServerException', true]);
      expect(ecr.body.message).toMatch(/^storage full: /);
      // The path in the cause is the operator's business, not the client's.
      expect(JSON.stringify([oci.body, ecr.body])).not.toContain('/var/lib');
    }
    expect(toOciError(Object.assign(new Error('other'), { code: 'EACCES' }))).toBeUndefined();
  });

  it('refuses a code no module lists, at compile time', () => {
    // @ts-expect-error 'NoSuchCode' is not a DomainErrorCode (npm run typecheck fails if it becomes one)
    const err = new DomainError('NoSuchCode', 'x');
    expect(toOciError(err)?.status).toBe(500);
  });
});
