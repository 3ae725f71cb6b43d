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

/**
 * Granted only to those `itops.permissions.restrict` names for them:
 * approving a waiver (or an SoA version) accepts risk for the
 * organisation, and attesting a control for an entity one does not own
 * vouches for someone else's work. Owners attest their own entities
 * without the permission.
 */
const NAMED_ONLY = [
  'itops.compliance.waiver.approve',
  'itops.compliance.attest',
];

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
 * and except approving compliance waivers and attesting controls of
 * others' entities, which nobody may do until a restriction names who may.
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
    // Nobody may use these unless a restriction naming exactly the
    // permission says who (a wildcard such as `itops.*` does not name it).
    for (const permission of NAMED_ONLY) {
      if (!restrictions.some(r => r.permission === permission)) {
        restrictions.push({ permission, allow: [] });
      }
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
