/**
 * The subset of the botocore JSON service-model format (service-2.json, paginators-1.json,
 * waiters-2.json) that Berth reads. Field names follow the files exactly.
 */

export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'double'
  | 'float'
  | 'boolean'
  | 'timestamp'
  | 'blob';

export interface ShapeRef {
  shape: string;
  documentation?: string;
  deprecated?: boolean;
  deprecatedMessage?: string;
}

export interface Shape {
  type: ShapeType;
  documentation?: string;
  /** structure */
  members?: Record<string, ShapeRef>;
  required?: string[];
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  /** list */
  member?: ShapeRef;
  /** map */
  key?: ShapeRef;
  value?: ShapeRef;
  /** string/list/map/blob: length; integer/long/double: value */
  min?: number;
  max?: number;
  /** string: a Java regular expression the whole value must match */
  pattern?: string;
  /** string */
  enum?: string[];
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  documentation?: string;
}

export interface ServiceModel {
  version?: string;
  metadata: {
    apiVersion: string;
    protocol: string;
    jsonVersion: string;
    targetPrefix: string;
    serviceId: string;
    signingName: string;
    endpointPrefix: string;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

export interface PaginatorConfig {
  input_token: string;
  output_token: string;
  limit_key?: string;
  result_key: string | string[];
  non_aggregate_keys?: string[];
}

export interface PaginatorsFile {
  pagination: Record<string, PaginatorConfig>;
}

export interface WaiterAcceptor {
  state: 'success' | 'failure' | 'retry';
  matcher: 'path' | 'pathAll' | 'pathAny' | 'status' | 'error';
  argument?: string;
  expected: unknown;
}

export interface WaitersFile {
  version: number;
  waiters: Record<
    string,
    { description?: string; operation: string; delay: number; maxAttempts: number; acceptors: WaiterAcceptor[] }
  >;
}
