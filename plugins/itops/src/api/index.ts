export * from './ItopsApi';
export * from './ItopsClient';
