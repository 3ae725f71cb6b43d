export { CompliancePage, ComplianceRoutes } from './CompliancePage';
export { ComplianceOverviewPage } from './ComplianceOverviewPage';
export { ComplianceControlPage } from './ComplianceControlPage';
export { EntityComplianceCard } from './EntityComplianceCard';
