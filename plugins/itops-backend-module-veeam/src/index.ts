/**
 * Backstage ITOps source module for Veeam Backup & Replication.
 *
 * @packageDocumentation
 */

export { itopsModuleVeeam as default } from './module';
