import '@testing-library/jest-dom';

// These tests drive Material UI through user-event; on a two-CPU CI machine
// running every package's suites at once a single interaction can take
// seconds, so jest's default five-second budget fails tests that are correct.
jest.setTimeout(30_000);
