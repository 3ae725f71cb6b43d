/**
 * Node library of Backstage ITOps: the extension point through which source
 * modules (ServiceNow, Jira, Veeam) plug into the ITOps backend.
 *
 * @packageDocumentation
 */

export * from './extensionPoint';
export * from './readSourceInstances';
export * from './http';
export * from './time';
