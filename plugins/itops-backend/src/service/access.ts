import {
  itopsBackupReadPermission,
  itopsChangeReadPermission,
  itopsComplianceReadPermission,
  itopsIncidentReadPermission,
  itopsOnCallReadPermission,
  itopsSyncStatusReadPermission,
} from '@backstage-itops/plugin-itops-common';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/** A part of the API guarded by one read permission. */
export type Area =
  | 'oncall'
  | 'incidents'
  | 'changes'
  | 'backups'
  | 'compliance'
  | 'syncStatus';

const AREA_PERMISSIONS: Record<Area, BasicPermission> = {
  oncall: itopsOnCallReadPermission,
  incidents: itopsIncidentReadPermission,
  changes: itopsChangeReadPermission,
  backups: itopsBackupReadPermission,
  compliance: itopsComplianceReadPermission,
  syncStatus: itopsSyncStatusReadPermission,
};

/**
 * Decides which areas the caller of a request, or of an action (which has
 * credentials but no request), may read.
 */
export class AreaAccess {
  readonly #httpAuth: HttpAuthService;
  readonly #permissions: PermissionsService;

  static create(options: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
  }): AreaAccess {
    return new AreaAccess(options.httpAuth, options.permissions);
  }

  private constructor(
    httpAuth: HttpAuthService,
    permissions: PermissionsService,
  ) {
    this.#httpAuth = httpAuth;
    this.#permissions = permissions;
  }

  /** Whether each area may be read, in a single authorize round trip. */
  async decide<A extends Area>(
    req: Request<any, any, any, any>,
    areas: readonly A[],
  ): Promise<Record<A, boolean>> {
    return this.decideFor(await this.#httpAuth.credentials(req), areas);
  }

  /** {@link AreaAccess.decide} for credentials at hand (actions). */
  async decideFor<A extends Area>(
    credentials: BackstageCredentials,
    areas: readonly A[],
  ): Promise<Record<A, boolean>> {
    const decisions = await this.#permissions.authorize(
      areas.map(area => ({ permission: AREA_PERMISSIONS[area] })),
      { credentials },
    );
    return Object.fromEntries(
      areas.map((area, i) => [
        area,
        decisions[i].result === AuthorizeResult.ALLOW,
      ]),
    ) as Record<A, boolean>;
  }

  /** Throws NotAllowedError (403) unless the caller may read the area. */
  async require(req: Request<any, any, any, any>, area: Area): Promise<void> {
    await this.requireFor(await this.#httpAuth.credentials(req), area);
  }

  /** {@link AreaAccess.require} for credentials at hand (actions). */
  async requireFor(
    credentials: BackstageCredentials,
    area: Area,
  ): Promise<void> {
    const { [area]: allowed } = await this.decideFor(credentials, [area]);
    if (!allowed) {
      throw new NotAllowedError(
        `Missing permission ${AREA_PERMISSIONS[area].name}`,
      );
    }
  }
}
