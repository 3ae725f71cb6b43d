export * from './annotations';
export * from './attestation';
export * from './api';
export * from './checks';
export * from './gdpr';
export * from './iso27001';
export * from './scoring';
export * from './types';

import { gdprFramework } from './gdpr';
import { iso27001Framework } from './iso27001';

/** The frameworks shipped with ITOps. @public */
export const BUILT_IN_FRAMEWORKS = [iso27001Framework, gdprFramework];
