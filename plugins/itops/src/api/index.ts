export * from './ItopsApi';
export * from './ItopsClient';
export * from './types';
