/**
 * The ITOps backend plugin.
 *
 * @packageDocumentation
 */

export { itopsPlugin as default } from './plugin';
