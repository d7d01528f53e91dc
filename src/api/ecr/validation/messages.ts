/**
 * Wording of ECR's input-validation errors. ECR answers constraint violations with
 * InvalidParameterException (not the generic Coral ValidationException) and names one parameter:
 *
 *   Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '<pattern>''
 *   Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'
 *   Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less than or equal to 100'
 *   Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 1000'
 *   Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]{12}]'
 *
 * (observed responses quoted in jenkins-x/jx#1344, aws/aws-dotnet-deploy#549, trek10inc/ecr-cleaner#8,
 * andrey-pohilko/registry-cli#79, aws-actions/amazon-ecr-login#225, pulumi/pulumi-aws#2466).
 * A string that is a structure member gets ECR's short wording; anything inside a list or map
 * gets Coral's "Member must ..." wording wrapped in "Member must satisfy constraint: [...]".
 * The required-member, enum and map wordings are Coral's; no ECR sample was found for them.
 * The frame itself is invalidParameterMessage in src/domain/errors (services raise it too).
 */

export type Wording = 'member' | 'nested';

export const constraintText = {
  required: (): string => 'Member must not be null',
  enumValues: (values: readonly string[]): string => `Member must satisfy enum value set: [${values.join(', ')}]`,
  stringMinLength: (min: number, wording: Wording): string =>
    `${prefix(wording)}must have length greater than or equal to ${min}`,
  stringMaxLength: (max: number, wording: Wording): string =>
    `${prefix(wording)}must have length less than or equal to ${max}`,
  pattern: (pattern: string, wording: Wording): string =>
    wording === 'member'
      ? `must satisfy regular expression '${pattern}'`
      : `Member must satisfy regular expression pattern: ${pattern}`,
  minLength: (min: number): string => `Member must have length greater than or equal to ${min}`,
  maxLength: (max: number): string => `Member must have length less than or equal to ${max}`,
  minValue: (min: number): string => `Member must have value greater than or equal to ${min}`,
  maxValue: (max: number): string => `Member must have value less than or equal to ${max}`,
  listMember: (inner: string): string => `Member must satisfy constraint: [${inner}]`,
  mapKey: (inner: string): string => `Map keys must satisfy constraint: [${inner}]`,
  mapValue: (inner: string): string => `Map value must satisfy constraint: [${inner}]`,
};

function prefix(wording: Wording): string {
  return wording === 'member' ? '' : 'Member ';
}

/**
 * Coral's deserializer messages for a JSON value of the wrong type, answered as
 * SerializationException before any constraint is checked ("STRING_VALUE can not be converted to
 * an Integer" was measured against a Coral JSON 1.1 service; the structure/list wordings follow
 * Kinesis as reproduced by kinesalite).
 */
export const typeMismatchText = {
  structureWhereNotExpected: (): string => 'Start of structure or map found where not expected.',
  listWhereNotExpected: (): string => 'Start of list found where not expected',
  cannotConvert: (token: string, javaType: string): string => `${token} can not be converted to ${javaType}`,
  expectedStructure: (token: string): string => `${token} can not be converted to a Structure`,
  expectedList: (token: string): string => `Expected list or null, found ${token}`,
  invalidBase64: (): string => 'Base64 encoded value is not valid',
};
