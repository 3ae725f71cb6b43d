/**
 * Shared types, catalog annotations and permissions of Backstage ITOps.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './compliance';
export * from './durations';
export * from './health';
export * from './mapping';
export * from './permissions';
export * from './records';
