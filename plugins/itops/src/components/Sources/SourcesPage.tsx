import { Content, Header, Page } from '@backstage/core-components';
import { SourcesContent } from './SourcesContent';

/** The sources admin page on a page of its own, for legacy apps. */
export function SourcesPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Sources"
        subtitle="Sync status of each source instance and mapping conflicts"
      />
      <Content>
        <SourcesContent />
      </Content>
    </Page>
  );
}
