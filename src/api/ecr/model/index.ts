/**
 * The ECR API contract (botocore JSON model, copied from the AWS SDKs). Imported as JSON modules so
 * tsc copies the files into dist/ and nothing reads them from the filesystem at run time.
 */
import serviceJson from './service-2.json' with { type: 'json' };
import paginatorsJson from './paginators-1.json' with { type: 'json' };
import waitersJson from './waiters-2.json' with { type: 'json' };
import type { Operation, PaginatorsFile, ServiceModel, Shape, WaitersFile } from './schema.js';

export const ecrModel = serviceJson as unknown as ServiceModel;
export const ecrPaginators = paginatorsJson as unknown as PaginatorsFile;
export const ecrWaiters = waitersJson as unknown as WaitersFile;

/** `AmazonEC2ContainerRegistry_V20150921`; the X-Amz-Target header is `<prefix>.<Operation>`. */
export const TARGET_PREFIX = ecrModel.metadata.targetPrefix;

export function getShape(name: string): Shape {
  const shape = ecrModel.shapes[name];
  if (!shape) throw new Error(`ECR model has no shape named ${name}`);
  return shape;
}

/** The model's operation, or undefined when the name is not an ECR operation. */
export function getOperationModel(name: string): Operation | undefined {
  return Object.hasOwn(ecrModel.operations, name) ? ecrModel.operations[name] : undefined;
}

/** Names of every exception structure in the model (RepositoryNotFoundException, ...). */
export function modelExceptionNames(): string[] {
  return Object.entries(ecrModel.shapes)
    .filter(([, shape]) => shape.exception === true)
    .map(([name]) => name);
}

export type { Operation, PaginatorConfig, ServiceModel, Shape, ShapeRef, ShapeType } from './schema.js';
