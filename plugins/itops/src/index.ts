/**
 * Backstage ITOps frontend plugin: the default export is the plugin for the
 * new frontend system; the named exports serve legacy apps.
 *
 * @packageDocumentation
 */

export { itopsFrontendPlugin as default } from './plugin';
export {
  itopsPlugin,
  EntityItopsContent,
  ItopsCompliancePage,
  EntityItopsComplianceCard,
  ItopsChangeCalendarPage,
  ItopsIncidentsPage,
  ItopsSourcesPage,
  EntityItopsChangeCalendar,
} from './plugin';
export { EntityChangeCalendar } from './components/ChangeCalendar';
export type {
  ItopsCalendarChange,
  ItopsCalendarDays,
  ItopsCalendarFilters,
  ItopsChangeDetail,
  ItopsFreezeStatus,
  ItopsFreezeWindow,
} from './components/ChangeCalendar';
export { EntityComplianceCard } from './components/Compliance';
export {
  EntityOnCallCard,
  EntityOpenIncidentsCard,
  EntityChangesCard,
  EntityBackupsCard,
  EntityKpiCard,
  HomePageMyOnCallCard,
} from './extensions/legacy';
export type { EntityItopsContentProps } from './components/EntityItopsContent';
export { isItopsAvailable } from './isItopsAvailable';
export * from './api';
