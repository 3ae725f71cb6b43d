import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { Truncated } from './Truncated';

describe('Truncated', () => {
  it('keeps the whole name in the page, on one line, and shows it on hover', async () => {
    const name =
      'Database schema migration for pg-payments-01 and its replicas';
    await renderInTestApp(<Truncated text={name} maxWidth={120} />);
    const text = screen.getByText(name);
    expect(text).toHaveStyle({
      whiteSpace: 'nowrap',
      textOverflow: 'ellipsis',
      maxWidth: '120px',
    });
    fireEvent.mouseOver(text);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(name);
  });
});
