export { ChangeCalendarContent } from './ChangeCalendarContent';
export { ChangeCalendarPage } from './ChangeCalendarPage';
export { EntityChangeCalendar } from './EntityChangeCalendar';
export { changeCalendarRouteRef } from './routes';
export type {
  ItopsCalendarChange,
  ItopsCalendarDay,
  ItopsCalendarDays,
  ItopsCalendarFeedToken,
  ItopsCalendarFilters,
  ItopsCalendarRange,
  ItopsChangeConflict,
  ItopsChangeDetail,
  ItopsChangeType,
  ItopsFreezeStatus,
  ItopsFreezeWindow,
} from './types';
