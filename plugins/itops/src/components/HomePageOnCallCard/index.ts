export { MyOnCallAndIncidents } from './MyOnCallAndIncidents';
