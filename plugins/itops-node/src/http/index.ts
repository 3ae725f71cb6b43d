export * from './retryPolicy';
export * from './RequestLimiter';
export * from './SourceHttpClient';
export * from './readHttpOptions';
