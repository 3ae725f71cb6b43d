export { EntityItopsContent } from './EntityItopsContent';
