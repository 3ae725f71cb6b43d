/**
 * Backstage ITOps frontend plugin: the default export is the plugin for the
 * new frontend system; the named exports serve legacy apps.
 *
 * @packageDocumentation
 */

export { itopsFrontendPlugin as default } from './plugin';
export { itopsPlugin, EntityItopsContent } from './plugin';
export { isItopsAvailable } from './isItopsAvailable';
export * from './api';
