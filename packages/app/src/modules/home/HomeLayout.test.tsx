import { render, screen } from '@testing-library/react';
import { HomeLayout } from './HomeLayout';

const widget = (name: string) =>
  ({ name, node: {} as any, component: <p>{name} widget</p> } as const);

describe('HomeLayout', () => {
  it('shows the widgets of the default config, in its order', () => {
    render(
      <HomeLayout
        widgets={[
          widget('Welcome'),
          widget('Starred'),
          widget('ItopsMyOnCall'),
        ]}
        defaultConfig={[
          {
            component: 'ItopsMyOnCall',
            column: 0,
            row: 0,
            width: 6,
            height: 10,
          },
          { component: 'Starred', column: 6, row: 0, width: 6, height: 4 },
        ]}
      />,
    );
    expect(screen.getAllByText(/widget$/).map(p => p.textContent)).toEqual([
      'ItopsMyOnCall widget',
      'Starred widget',
    ]);
  });

  it('shows every widget without a default config', () => {
    render(<HomeLayout widgets={[widget('Welcome'), widget('Starred')]} />);
    expect(screen.getAllByText(/widget$/)).toHaveLength(2);
  });
});
