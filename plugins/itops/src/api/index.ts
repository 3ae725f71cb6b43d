export * from './ItopsApi';
export * from './ItopsClient';
export * from './types';
export * from './mapping';
