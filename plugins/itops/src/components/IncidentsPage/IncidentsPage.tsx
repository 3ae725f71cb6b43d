import { Content, Header, Page } from '@backstage/core-components';
import { IncidentsContent } from './IncidentsContent';

/** The incidents page on a page of its own, for legacy apps. */
export function IncidentsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Incidents"
        subtitle="Incidents of a team or service, from ServiceNow and Jira"
      />
      <Content>
        <IncidentsContent />
      </Content>
    </Page>
  );
}
