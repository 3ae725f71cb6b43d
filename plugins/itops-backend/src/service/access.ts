import {
  itopsBackupReadPermission,
  itopsChangeReadPermission,
  itopsIncidentReadPermission,
  itopsOnCallReadPermission,
  itopsSyncStatusReadPermission,
} from '@backstage-itops/plugin-itops-common';
import type {
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
  | 'syncStatus';

const AREA_PERMISSIONS: Record<Area, BasicPermission> = {
  oncall: itopsOnCallReadPermission,
  incidents: itopsIncidentReadPermission,
  changes: itopsChangeReadPermission,
  backups: itopsBackupReadPermission,
  syncStatus: itopsSyncStatusReadPermission,
};

/** Decides which areas the caller of a request may read. */
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
    const credentials = await this.#httpAuth.credentials(req);
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
    const { [area]: allowed } = await this.decide(req, [area]);
    if (!allowed) {
      throw new NotAllowedError(
        `Missing permission ${AREA_PERMISSIONS[area].name}`,
      );
    }
  }
}
