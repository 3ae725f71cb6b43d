/*
 * The Backstage backend of the ITOps demo: catalog, auth (guest for local
 * use), permissions with the ITOps policy, search over the catalog, and the
 * ITOps plugin with its ServiceNow, Jira and Veeam source modules.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage-itops/plugin-itops-backend'));
backend.add(import('@backstage-itops/plugin-itops-backend-module-servicenow'));
backend.add(import('@backstage-itops/plugin-itops-backend-module-jira'));
backend.add(import('@backstage-itops/plugin-itops-backend-module-veeam'));

backend.start();
