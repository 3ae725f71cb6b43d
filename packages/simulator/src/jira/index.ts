export {
  createJiraSimulator,
  type JiraSimulator,
  type JiraSimulatorOptions,
} from './simulator';
export { DEFAULT_CREDENTIALS, type JiraCredentials } from './auth';
export type { Deployment } from './render';
