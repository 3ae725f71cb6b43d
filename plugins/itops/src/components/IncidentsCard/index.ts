export { EntityOpenIncidentsCard } from './IncidentsCard';
