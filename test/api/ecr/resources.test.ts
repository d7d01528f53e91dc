import { describe, expect, it } from 'vitest';
import {
  checkHostTemplate,
  ecrStyleHostTemplate,
  parseRepositoryArn,
  proxyEndpoint,
  registryHost,
  repositoryArn,
  repositoryUri,
} from '../../../src/api/ecr/resources.js';

const where = { accountId: '123456789012', region: 'eu-central-1' };

describe('resource names', () => {
  it('builds AWS-style registry hosts and repository URIs from a template', () => {
    const template = ecrStyleHostTemplate('registry.example.com');
    expect(registryHost(template, where)).toBe('123456789012.dkr.ecr.eu-central-1.registry.example.com');
    expect(repositoryUri(template, where, 'team/app')).toBe('123456789012.dkr.ecr.eu-central-1.registry.example.com/team/app');
    expect(proxyEndpoint(template, where)).toBe('https://123456789012.dkr.ecr.eu-central-1.registry.example.com');
  });

  it('supports a single host (with port) for every account', () => {
    expect(repositoryUri('localhost:5000', where, 'app')).toBe('localhost:5000/app');
    expect(proxyEndpoint('localhost:5000', where, 'http')).toBe('http://localhost:5000');
  });

  it('refuses templates it cannot fill or that carry a path', () => {
    expect(() => checkHostTemplate('{account}.example.com')).toThrow(/unknown placeholder \{account\}/);
    expect(() => checkHostTemplate('example.com/v2')).toThrow(/without a path/);
    expect(() => checkHostTemplate('{accountId}.dkr.ecr.{region}.example.com')).not.toThrow();
  });

  it('builds and parses repository ARNs', () => {
    const arn = repositoryArn(where, 'team/app');
    expect(arn).toBe('arn:aws:ecr:eu-central-1:123456789012:repository/team/app');
    expect(parseRepositoryArn(arn)).toEqual({ partition: 'aws', ...where, repositoryName: 'team/app' });
    expect(parseRepositoryArn(repositoryArn(where, 'x1', 'aws-cn'))?.partition).toBe('aws-cn');
    expect(parseRepositoryArn('arn:aws:s3:::bucket')).toBeUndefined();
  });
});
