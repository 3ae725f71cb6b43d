import { Content } from '@backstage/core-components';
import type { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import Grid from '@material-ui/core/Grid';

/**
 * The demo's home page: the widgets in a responsive grid, in the order
 * `page:home`'s `defaultConfig` lists them (then the others), two side by
 * side from 1280 px and one per row below. The customisable grid of the
 * home plugin keeps its columns' pixel positions when the window narrows,
 * which scrolled the page sideways by some 400 px at 1024 px.
 */
export function HomeLayout({
  widgets,
  defaultConfig = [],
}: HomePageLayoutProps) {
  const rank = (name?: string) => {
    const index = defaultConfig.findIndex(item => item.component === name);
    return index === -1 ? defaultConfig.length : index;
  };
  const ordered = [...widgets].sort((a, b) => rank(a.name) - rank(b.name));
  return (
    <Content>
      <Grid container spacing={3}>
        {ordered.map((widget, index) => (
          <Grid item xs={12} lg={6} key={widget.name ?? index}>
            {widget.component}
          </Grid>
        ))}
      </Grid>
    </Content>
  );
}
