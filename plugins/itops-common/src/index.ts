/**
 * Shared types, catalog annotations and permissions of Backstage ITOps.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './health';
