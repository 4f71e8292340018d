import type { GrantTargetInput } from '../../domain/directory-admin.js';
import { globalTarget } from '../../storage/store.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './index.js';
import {
  adminErrors,
  collection,
  grant,
  grantBody,
  grantParams,
  noContent,
  policy,
  policyBody,
  policyChangeBody,
  policyParams,
  tenantParams,
} from './schemas.js';

/** A grant target in a path: `global`, or a user's object id or UPN. */
const targetOf = (target: string): GrantTargetInput =>
  target.toLowerCase() === globalTarget ? { global: true } : { user: target };

/**
 * Application access policies (New-/Set-/Remove-CsApplicationAccessPolicy) and their grants
 * (Grant-CsApplicationAccessPolicy): one grant per user, plus one tenant-wide grant under `global`.
 */
export function registerApplicationAccessPolicyRoutes(app: GraphApp, { admin }: AdminDeps): void {
  const policies = '/tenants/:tenantId/applicationAccessPolicies';

  app.get(
    policies,
    { schema: { params: tenantParams, response: { 200: collection(policy), ...adminErrors } } },
    async (request) => ({ value: await admin.listPolicies(request.params.tenantId) }),
  );

  app.post(
    policies,
    { schema: { params: tenantParams, body: policyBody, response: { 201: policy, ...adminErrors } } },
    async (request, reply) => reply.code(201).send(await admin.createPolicy(request.params.tenantId, request.body)),
  );

  app.get(
    `${policies}/:name`,
    { schema: { params: policyParams, response: { 200: policy, ...adminErrors } } },
    (request) => admin.getPolicy(request.params.tenantId, request.params.name),
  );

  app.patch(
    `${policies}/:name`,
    { schema: { params: policyParams, body: policyChangeBody, response: { 200: policy, ...adminErrors } } },
    (request) => admin.updatePolicy(request.params.tenantId, request.params.name, request.body),
  );

  app.delete(`${policies}/:name`, { schema: { params: policyParams, response: noContent } }, async (request, reply) => {
    await admin.deletePolicy(request.params.tenantId, request.params.name);
    return reply.code(204).send(null);
  });

  const grants = '/tenants/:tenantId/applicationAccessPolicyGrants';

  app.get(
    grants,
    { schema: { params: tenantParams, response: { 200: collection(grant), ...adminErrors } } },
    async (request) => ({ value: await admin.listGrants(request.params.tenantId) }),
  );

  app.put(
    `${grants}/:target`,
    { schema: { params: grantParams, body: grantBody, response: { 200: grant, ...adminErrors } } },
    (request) => admin.grantPolicy(request.params.tenantId, request.body.policyName, targetOf(request.params.target)),
  );

  app.delete(`${grants}/:target`, { schema: { params: grantParams, response: noContent } }, async (request, reply) => {
    await admin.revokePolicy(request.params.tenantId, targetOf(request.params.target));
    return reply.code(204).send(null);
  });
}
