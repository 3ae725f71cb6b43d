import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { ItopsPermissionPolicy } from './permissionPolicy';

const incidentRead = createPermission({
  name: 'itops.incident.read',
  attributes: { action: 'read' },
});
const oncallRead = createPermission({
  name: 'itops.oncall.read',
  attributes: { action: 'read' },
});
const waiverApprove = createPermission({
  name: 'itops.compliance.waiver.approve',
  attributes: { action: 'update' },
});
const waiverCreate = createPermission({
  name: 'itops.compliance.waiver.create',
  attributes: { action: 'create' },
});
const catalogRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});

function policyFor(
  restrict: Array<{ permission: string; allow: string[] }>,
  ownershipEntityRefs: string[],
) {
  return ItopsPermissionPolicy.fromConfig(
    new ConfigReader({ itops: { permissions: { restrict } } }),
    mockServices.userInfo({ ownershipEntityRefs }),
  );
}

const user = { credentials: mockCredentials.user(), info: {} as any };

describe('ItopsPermissionPolicy', () => {
  it('allows everything when nothing is restricted', async () => {
    const policy = policyFor([], ['user:default/mock']);
    await expect(
      policy.handle({ permission: incidentRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('restricts listed permissions to members of the allowed groups', async () => {
    const restrict = [
      { permission: 'itops.incident.*', allow: ['group:default/platform-sre'] },
    ];
    const outsider = policyFor(restrict, ['user:default/mock']);
    const member = policyFor(restrict, [
      'user:default/mock',
      'Group:default/Platform-SRE',
    ]);

    await expect(
      outsider.handle({ permission: incidentRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      member.handle({ permission: incidentRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      outsider.handle({ permission: oncallRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      outsider.handle({ permission: catalogRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('matches exact names without a wildcard', async () => {
    const policy = policyFor(
      [{ permission: 'itops.incident', allow: ['group:default/x'] }],
      [],
    );
    await expect(
      policy.handle({ permission: incidentRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('grants waiver approval to nobody unless config names who', async () => {
    const open = policyFor([], ['user:default/mock']);
    await expect(
      open.handle({ permission: waiverApprove }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    // Requesting a waiver stays open.
    await expect(
      open.handle({ permission: waiverCreate }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    // A wildcard restriction does not name the approvers.
    const sre = policyFor(
      [{ permission: 'itops.*', allow: ['group:default/platform-sre'] }],
      ['user:default/mock', 'group:default/platform-sre'],
    );
    await expect(
      sre.handle({ permission: waiverApprove }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    const restrict = [
      {
        permission: 'itops.compliance.waiver.approve',
        allow: ['group:default/compliance-office'],
      },
    ];
    await expect(
      policyFor(restrict, ['user:default/mock']).handle(
        { permission: waiverApprove },
        user,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policyFor(restrict, [
        'user:default/mock',
        'group:default/compliance-office',
      ]).handle({ permission: waiverApprove }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("grants attesting others' controls to nobody unless config names who", async () => {
    const attest = createPermission({
      name: 'itops.compliance.attest',
      attributes: { action: 'create' },
    });
    await expect(
      policyFor([], ['user:default/mock']).handle({ permission: attest }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policyFor(
        [
          {
            permission: 'itops.compliance.attest',
            allow: ['group:default/compliance-office'],
          },
        ],
        ['user:default/mock', 'group:default/compliance-office'],
      ).handle({ permission: attest }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets the demo's guest approve waivers and attest controls, and nobody outside Platform SRE", async () => {
    const repoRoot = path.resolve(__dirname, '../../..');
    const appConfig = parseAllDocuments(
      fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
    )[0].toJS();
    // The demo signs in as the guest user; its groups are its ownership refs.
    const guest = parseAllDocuments(
      fs.readFileSync(path.join(repoRoot, 'examples/org.yaml'), 'utf8'),
    )
      .map(doc => doc.toJS())
      .find(e => e?.kind === 'User' && e.metadata.name === 'guest');
    const guestRefs = [
      'user:default/guest',
      ...guest.spec.memberOf.map((g: string) => `group:default/${g}`),
    ];
    const demo = (refs: string[]) =>
      ItopsPermissionPolicy.fromConfig(
        new ConfigReader({ itops: appConfig.itops }),
        mockServices.userInfo({ ownershipEntityRefs: refs }),
      );
    const attest = createPermission({
      name: 'itops.compliance.attest',
      attributes: { action: 'create' },
    });
    for (const permission of [waiverApprove, attest]) {
      await expect(
        demo(guestRefs).handle({ permission }, user),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
      await expect(
        demo(['user:default/mock', 'group:default/payments-team']).handle(
          { permission },
          user,
        ),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    }
  });

  it('lets plugin-to-plugin calls through', async () => {
    const policy = policyFor(
      [{ permission: 'itops.*', allow: ['group:default/platform-sre'] }],
      [],
    );
    await expect(policy.handle({ permission: incidentRead })).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
