export { EntityKpiCard, KpiTiles } from './KpiCard';
