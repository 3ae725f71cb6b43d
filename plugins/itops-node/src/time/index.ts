export {
  type WallTime,
  formatInZone,
  isKnownTimeZone,
  millisToWallTime,
  wallTimeToMillis,
} from './zones';
export {
  MAX_OCCURRENCES,
  type RecurrenceFrequency,
  type RecurrenceRule,
  type RecurringWindow,
  type WindowOccurrence,
  occurrencesBetween,
} from './recurrence';
