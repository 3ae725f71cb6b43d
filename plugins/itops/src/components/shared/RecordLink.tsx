import { Link } from '@backstage/core-components';
import type { ReactNode } from 'react';
import type { ItopsOrigin } from '../../api';

const SOURCE_TITLES: Record<string, string> = {
  servicenow: 'ServiceNow',
  jira: 'Jira',
  veeam: 'Veeam',
};

/** The name of a source type as users know it, e.g. "ServiceNow". */
export function sourceTitle(sourceType: string): string {
  return SOURCE_TITLES[sourceType] ?? sourceType;
}

/**
 * A record's label, linked to the record in its source system when the
 * source gave a URL.
 */
export function RecordLink(props: {
  record: ItopsOrigin;
  children: ReactNode;
}) {
  const { record, children } = props;
  if (!record.url) {
    return <>{children}</>;
  }
  return (
    <Link
      to={record.url}
      // Underlined: a record number often sits in a line of text, where
      // colour alone does not tell a link (WCAG 1.4.1).
      underline="always"
      title={`Open in ${sourceTitle(record.sourceType)} (${
        record.sourceInstance
      })`}
    >
      {children}
    </Link>
  );
}
