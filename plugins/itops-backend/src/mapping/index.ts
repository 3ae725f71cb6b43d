export { EntityMapper, type MappingSummary } from './EntityMapper';
