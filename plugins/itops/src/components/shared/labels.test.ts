import { codeLabel } from './labels';

describe('codeLabel', () => {
  it('writes codes as words', () => {
    expect(codeLabel('in_progress')).toBe('In progress');
    expect(codeLabel('very_high')).toBe('Very high');
    expect(codeLabel('authorize')).toBe('Authorize');
    expect(codeLabel('successful_with_issues')).toBe('Successful with issues');
    expect(codeLabel(undefined)).toBe('—');
    expect(codeLabel('')).toBe('—');
  });
});
