/**
 * The change calendar's API types, as the ITOps backend serves them
 * (`/changes`, `/calendar/*`, `/freeze-windows`, `/freeze-status`).
 */

/** @public */
export type ItopsChangeType = 'standard' | 'normal' | 'emergency';

/** A change in the calendar's light payload. @public */
export type ItopsCalendarChange = {
  id: string;
  sourceType: string;
  sourceInstance: string;
  externalId: string;
  url?: string;
  number: string;
  title: string;
  type: ItopsChangeType;
  state: string;
  risk?: string;
  plannedStart: string;
  plannedEnd?: string;
  /** The entities the change is on. */
  entityRefs: string[];
  /** How many changes it conflicts with. */
  conflictCount: number;
  /** Names of freeze windows it is planned in that apply to its entities. */
  freezes: string[];
};

/** Filters of the calendar; lists are OR-ed, filters AND-ed. @public */
export type ItopsCalendarFilters = {
  entityRef?: string[];
  owner?: string[];
  system?: string[];
  source?: string[];
  type?: string[];
  state?: string[];
  risk?: string[];
  q?: string;
};

/** @public */
export type ItopsCalendarRange = { from: string; to: string };

/** @public */
export type ItopsCalendarDay = {
  date: string;
  start: string;
  end: string;
  /** Changes overlapping the day; `items` holds the first few. */
  total: number;
  items: ItopsCalendarChange[];
};

/** @public */
export type ItopsCalendarDays = {
  timeZone: string;
  totalCount: number;
  days: ItopsCalendarDay[];
};

/** @public */
export type ItopsFreezeWindow = {
  sourceType: string;
  sourceInstance: string;
  externalId: string;
  url?: string;
  name: string;
  description?: string;
  start: string;
  end: string;
  global: boolean;
  entityRefs: string[];
  scope?: {
    systems: string[];
    groups: string[];
    tags: string[];
    entities: string[];
  };
  timeZone?: string;
  recurrence?: { frequency: string; interval: number; until?: string };
};

/** @public */
export type ItopsChangeConflict = {
  changeId: string;
  number: string;
  title: string;
  plannedStart: string;
  plannedEnd?: string;
  kind: 'same-entity' | 'related-entity';
  entityRef: string;
  otherEntityRef: string;
  relation?: { sourceRef: string; type: string; targetRef: string };
  reason: string;
};

/** @public */
export type ItopsChangeDetail = {
  change: Omit<
    ItopsCalendarChange,
    'entityRefs' | 'conflictCount' | 'freezes' | 'plannedStart'
  > & {
    plannedStart?: string;
    sourceState?: string;
    actualStart?: string;
    actualEnd?: string;
    approval?: string;
    approvedAt?: string;
    outcome?: string;
    sourceOutcome?: string;
    implementerGroup?: string;
  };
  entities: Array<{
    entityRef: string;
    kind: string;
    title?: string;
    ownerRef?: string;
    systemRef?: string;
  }>;
  conflicts: ItopsChangeConflict[];
  freezes: ItopsFreezeWindow[];
};

/** @public */
export type ItopsFreezeStatus = {
  entityRef: string;
  at: string;
  end?: string;
  frozen: boolean;
  windows: ItopsFreezeWindow[];
};

/** @public */
export type ItopsCalendarFeedToken = {
  id: number;
  name: string;
  createdAt: string;
  /** After this instant the feed refuses the token. */
  expiresAt: string;
  lastUsedAt?: string;
};
