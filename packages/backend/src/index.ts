/*
 * The Backstage backend of the ITOps demo: catalog, auth (guest for local
 * use), permissions with the ITOps policy, search over the catalog, and the
 * ITOps plugin with its ServiceNow, Jira and Veeam source modules, and the
 * MCP actions backend serving the ITOps actions to MCP clients at
 * /api/mcp-actions/v1 (`backend.actions.pluginSources` in app-config.yaml).
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

backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
