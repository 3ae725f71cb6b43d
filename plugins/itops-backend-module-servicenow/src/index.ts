/**
 * Backstage ITOps source module for ServiceNow.
 *
 * @packageDocumentation
 */

export { itopsModuleServicenow as default } from './module';
export {
  createServiceNowSource,
  type ServiceNowSourceDependencies,
} from './createServiceNowSource';
export { readInstanceOptions, type ServiceNowInstanceOptions } from './config';
export {
  EncodedQueryBuilder,
  encodedQuery,
  assertEncodedQueryFragment,
  assertFieldName,
  isSafeQueryValue,
  type ComparisonOperator,
} from './query';
