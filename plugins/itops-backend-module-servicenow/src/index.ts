/**
 * Backstage ITOps source module for ServiceNow.
 *
 * @packageDocumentation
 */

export { itopsModuleServicenow as default } from './module';
