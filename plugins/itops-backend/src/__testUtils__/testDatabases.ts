export { createTestDatabases } from '../testUtils/testDatabases';
