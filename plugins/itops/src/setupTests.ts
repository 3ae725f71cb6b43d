import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// These tests drive Material UI through user-event; on a two-CPU CI machine
// running every package's suites at once a single interaction or first
// render can take seconds, so jest's five-second test budget and testing
// library's one-second waits fail tests that are correct. A wait still ends
// as soon as what it waits for appears.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });
