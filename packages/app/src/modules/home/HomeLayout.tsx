import { Content } from '@backstage/core-components';
import type { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import Grid from '@material-ui/core/Grid';

/**
 * The demo's home page: the widgets `page:home`'s `defaultConfig` lists (all
 * installed ones without a config), in its order, in a responsive grid: two
 * side by side from 1280 px, one per row below. The customisable grid of the
 * home plugin keeps its columns' pixel positions when the window narrows,
 * which scrolled the page sideways by some 400 px at 1024 px.
 */
export function HomeLayout({
  widgets,
  defaultConfig = [],
}: HomePageLayoutProps) {
  const rank = (name?: string) =>
    defaultConfig.findIndex(item => item.component === name);
  const ordered =
    defaultConfig.length === 0
      ? widgets
      : widgets
          .filter(widget => rank(widget.name) !== -1)
          .sort((a, b) => rank(a.name) - rank(b.name));
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
