import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TYPES_PATH, generateEcrTypes } from '../../../scripts/gen-ecr-types.js';
import { TARGET_PREFIX, ecrModel, ecrWaiters, getOperationModel, getShape } from '../../../src/api/ecr/model/index.js';
import { defineOperation, operationRegistry } from '../../../src/api/ecr/operation.js';
import type { EcrOperationName } from '../../../src/api/ecr/model/types.js';

describe('ECR model', () => {
  it('is the 2015-09-21 AWS JSON 1.1 contract', () => {
    expect(ecrModel.metadata).toMatchObject({ protocol: 'json', jsonVersion: '1.1', apiVersion: '2015-09-21' });
    expect(TARGET_PREFIX).toBe('AmazonEC2ContainerRegistry_V20150921');
  });

  it('has wire types generated from the current model (run npm run gen:ecr-types after a model update)', () => {
    expect(readFileSync(TYPES_PATH, 'utf8')).toBe(generateEcrTypes(ecrModel));
  });

  it('has waiters whose paths exist in their operations output', () => {
    for (const [name, waiter] of Object.entries(ecrWaiters.waiters)) {
      const op = getOperationModel(waiter.operation)!;
      for (const acceptor of waiter.acceptors) {
        let shape = getShape(op.output!.shape);
        for (const part of acceptor.argument!.split('.')) shape = getShape(shape.members![part]!.shape);
        expect(shape.enum, `${name} ${acceptor.argument}`).toContain(acceptor.expected);
      }
    }
  });
});

describe('operation registry', () => {
  const handler = async (): Promise<Record<string, never>> => ({});

  it('refuses names outside the model and duplicate registrations', () => {
    expect(() => defineOperation({ name: 'Nope' as EcrOperationName, handler } as never)).toThrow(/not an ECR operation/);
    const op = defineOperation({ name: 'DeleteRegistryPolicy', handler: async () => ({}) });
    expect(() => operationRegistry([op, op])).toThrow(/registered twice/);
    expect(operationRegistry([op]).get('DeleteRegistryPolicy')).toBe(op);
  });
});
