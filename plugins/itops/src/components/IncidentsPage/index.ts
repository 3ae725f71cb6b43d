export { IncidentsContent } from './IncidentsContent';
export { IncidentsPage } from './IncidentsPage';
export { incidentsPagePath } from './incidentsQuery';
export { incidentsRouteRef } from './routes';
