/**
 * Backstage ITOps source module for Jira.
 *
 * @packageDocumentation
 */

export { itopsModuleJira as default } from './module';
