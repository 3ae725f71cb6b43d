export { EntityOnCallCard } from './OnCallCard';
