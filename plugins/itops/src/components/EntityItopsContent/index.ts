export { EntityItopsContent } from './EntityItopsContent';
export type { EntityItopsContentProps } from './EntityItopsContent';
