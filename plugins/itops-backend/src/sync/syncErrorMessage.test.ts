import { ServiceUnavailableError } from '@backstage/errors';
import { syncErrorMessage } from './syncErrorMessage';

describe('syncErrorMessage', () => {
  it.each([
    [
      'https://admin:s3cret@sn.example.com/api',
      'https://***@sn.example.com/api',
    ],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: ***'],
    [
      'request failed with Bearer abc.def-ghi',
      'request failed with Bearer ***',
    ],
    ['GET /jobs?api_key=s3cret&page=2', 'GET /jobs?api_key=***&page=2'],
    ['{"password":"s3cret","user":"svc"}', '{"password":"***","user":"svc"}'],
  ])('masks credentials in %p', (message, expected) => {
    expect(syncErrorMessage(new Error(message))).toBe(`Error: ${expected}`);
  });

  it('keeps the error type and a bounded length', () => {
    expect(syncErrorMessage(new ServiceUnavailableError('down'))).toBe(
      'ServiceUnavailableError: down',
    );
    expect(syncErrorMessage(new Error('x'.repeat(5000)))).toHaveLength(1000);
  });
});
