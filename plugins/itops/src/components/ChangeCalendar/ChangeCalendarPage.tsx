import { Content, Header, Page } from '@backstage/core-components';
import { ChangeCalendarContent } from './ChangeCalendarContent';

/** The calendar in a page of its own, for legacy apps. */
export function ChangeCalendarPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Change calendar"
        subtitle="Changes and freeze windows across ServiceNow and Jira"
      />
      <Content>
        <ChangeCalendarContent />
      </Content>
    </Page>
  );
}
