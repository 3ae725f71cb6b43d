import {
  coreServices,
  createBackendModule,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** Granted only to those `itops.permissions.restrict` names for it. */
const WAIVER_APPROVE = 'itops.compliance.waiver.approve';

/**
 * One restriction from `itops.permissions.restrict`: the permissions it
 * covers (exact names, or prefixes ending in `*`) may only be used by users
 * who are, or belong to, one of the `allow` entity refs.
 */
export interface PermissionRestriction {
  permission: string;
  allow: string[];
}

/**
 * The demo's permission policy. Everything is allowed except what
 * `itops.permissions.restrict` restricts, so that an organisation can, for
 * example, keep incident details to its SRE group while on-call stays open,
 * and except approving compliance waivers, which nobody may do until a
 * restriction names who may.
 * Calls without a user (plugin-to-plugin) are allowed: restrictions are
 * about people.
 */
export class ItopsPermissionPolicy implements PermissionPolicy {
  readonly #restrictions: PermissionRestriction[];
  readonly #userInfo: UserInfoService;

  static fromConfig(config: Config, userInfo: UserInfoService) {
    const restrictions = (
      config.getOptionalConfigArray('itops.permissions.restrict') ?? []
    ).map(entry => ({
      permission: entry.getString('permission'),
      allow: entry.getStringArray('allow').map(ref => ref.toLowerCase()),
    }));
    // Approving a compliance waiver grants an exception to a control:
    // nobody may do it unless a restriction naming exactly this permission
    // says who (a wildcard such as `itops.*` does not name it).
    if (!restrictions.some(r => r.permission === WAIVER_APPROVE)) {
      restrictions.push({ permission: WAIVER_APPROVE, allow: [] });
    }
    return new ItopsPermissionPolicy(restrictions, userInfo);
  }

  constructor(
    restrictions: PermissionRestriction[],
    userInfo: UserInfoService,
  ) {
    this.#restrictions = restrictions;
    this.#userInfo = userInfo;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const applicable = this.#restrictions.filter(restriction =>
      covers(restriction.permission, request.permission.name),
    );
    if (applicable.length === 0 || !user) {
      return { result: AuthorizeResult.ALLOW };
    }
    const { ownershipEntityRefs } = await this.#userInfo.getUserInfo(
      user.credentials,
    );
    const identities = new Set(ownershipEntityRefs.map(r => r.toLowerCase()));
    const allowed = applicable.every(restriction =>
      restriction.allow.some(ref => identities.has(ref)),
    );
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
}

function covers(pattern: string, permissionName: string): boolean {
  return pattern.endsWith('*')
    ? permissionName.startsWith(pattern.slice(0, -1))
    : pattern === permissionName;
}

/** Installs {@link ItopsPermissionPolicy} into the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'itops-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(ItopsPermissionPolicy.fromConfig(config, userInfo));
      },
    });
  },
});
