export { EntityChangesCard } from './ChangesCard';
