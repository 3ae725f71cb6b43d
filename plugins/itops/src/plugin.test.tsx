import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import itopsPlugin from './index';

describe('ITOps pages in the new frontend system', () => {
  // The app's nav lists the pages that output a route ref, a title and an
  // icon (NavContentBlueprint's navItems); without the ref there is no item.
  it.each([
    ['page:itops/changes', 'Change calendar', '/itops/changes'],
    ['page:itops/compliance', 'Compliance', '/itops/compliance'],
    ['page:itops/incidents', 'Incidents', '/itops/incidents'],
    ['page:itops/sources', 'ITOps sources', '/itops/sources'],
  ])('%s is a sidebar item titled %p', (id, title, path) => {
    const tester = createExtensionTester(itopsPlugin.getExtension(id));
    expect(tester.get(coreExtensionData.routePath)).toBe(path);
    expect(tester.get(coreExtensionData.routeRef)).toBeDefined();
    expect(tester.get(coreExtensionData.title)).toBe(title);
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('routes the pages through the plugin, for links from other plugins', () => {
    expect(Object.keys(itopsPlugin.routes).sort()).toEqual([
      'changeCalendar',
      'compliance',
      'incidents',
      'sources',
    ]);
  });
});
