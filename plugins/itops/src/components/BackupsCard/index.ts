export { EntityBackupsCard } from './BackupsCard';
