import { Content, Header, Page } from '@backstage/core-components';
import { Route, Routes } from 'react-router-dom';
import { BreachDecisionsPage } from './BreachDecisionsPage';
import { ComplianceControlPage } from './ComplianceControlPage';
import { ComplianceOverviewPage } from './ComplianceOverviewPage';
import { SoaPage } from './SoaPage';
import { WaiverInboxPage } from './WaiverInboxPage';

/** The compliance pages without a page shell, for the new frontend system. */
export function ComplianceRoutes() {
  return (
    <Routes>
      <Route path="/" element={<ComplianceOverviewPage />} />
      <Route path="/breaches" element={<BreachDecisionsPage />} />
      <Route path="/waivers" element={<WaiverInboxPage />} />
      <Route path="/soa" element={<SoaPage />} />
      <Route path="/:framework/:control" element={<ComplianceControlPage />} />
    </Routes>
  );
}

/** The compliance pages with their own header, for legacy apps. */
export function CompliancePage() {
  return (
    <Page themeId="tool">
      <Header
        title="Compliance"
        subtitle="ISO/IEC 27001:2022 Annex A and GDPR, evaluated from ITOps evidence"
      />
      <Content>
        <ComplianceRoutes />
      </Content>
    </Page>
  );
}
