export { EntityMappingConflicts } from './EntityMappingConflicts';
export { SourcesContent } from './SourcesContent';
export { SourcesPage } from './SourcesPage';
export { sourcesRouteRef } from './routes';
