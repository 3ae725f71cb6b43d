import type { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import itopsPlugin from '../index';
import { paymentsApi, plainComponent } from '../__testUtils__/fixtures';

describe('ITOps extensions for the new frontend system', () => {
  const extensionIds = [
    'api:itops',
    'entity-content:itops',
    'entity-card:itops/oncall',
    'entity-card:itops/incidents',
    'entity-card:itops/changes',
    'entity-card:itops/backups',
    'home-page-widget:itops/my-oncall',
  ];

  it('provides the tab, the four entity cards, the API and the home widget', () => {
    for (const id of extensionIds) {
      expect(itopsPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('shows the cards only on entities linked to ITOps', () => {
    const tester = createExtensionTester(
      itopsPlugin.getExtension('entity-card:itops/oncall'),
    );
    // getExtension() of an untyped plugin loses the output types.
    const filter = tester.get(
      EntityCardBlueprint.dataRefs.filterFunction,
    ) as unknown as (entity: Entity) => boolean;
    expect(filter(paymentsApi)).toBe(true);
    expect(filter(plainComponent)).toBe(false);
  });
});
