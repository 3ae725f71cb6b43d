import { formatDateTime, formatRelative } from './time';

/**
 * "in 3 hours", "2 days ago", with the absolute time in the user's zone on
 * hover and for machines (`<time dateTime>`).
 */
export function RelativeTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}
