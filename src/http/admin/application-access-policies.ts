import { grantTargetNamed } from '../../domain/directory-admin.js';
import { policyChange, policyInput } from '../../domain/directory-inputs.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { collection, grant, grantBody, grantParams, noContent, policy, policyParams, tenantParams } from './schemas.js';

/**
 * Application access policies (New-/Set-/Remove-CsApplicationAccessPolicy) and their grants
 * (Grant-CsApplicationAccessPolicy): one grant per user, plus one tenant-wide grant under `global`.
 */
export function registerApplicationAccessPolicyRoutes(app: GraphApp, { admin }: AdminDeps): void {
  const policies = '/tenants/:tenantId/applicationAccessPolicies';

  app.get(
    policies,
    { schema: { params: tenantParams, response: { 200: collection(policy), ...errorResponses } } },
    async (request) => ({ value: await admin.listPolicies(request.params.tenantId) }),
  );

  app.post(
    policies,
    { schema: { params: tenantParams, body: policyInput, response: { 201: policy, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await admin.createPolicy(request.params.tenantId, request.body)),
  );

  app.get(
    `${policies}/:name`,
    { schema: { params: policyParams, response: { 200: policy, ...errorResponses } } },
    (request) => admin.getPolicy(request.params.tenantId, request.params.name),
  );

  app.patch(
    `${policies}/:name`,
    { schema: { params: policyParams, body: policyChange, response: { 200: policy, ...errorResponses } } },
    (request) => admin.updatePolicy(request.params.tenantId, request.params.name, request.body),
  );

  app.delete(`${policies}/:name`, { schema: { params: policyParams, response: noContent } }, async (request, reply) => {
    await admin.deletePolicy(request.params.tenantId, request.params.name);
    return reply.code(204).send(null);
  });

  const grants = '/tenants/:tenantId/applicationAccessPolicyGrants';

  app.get(
    grants,
    { schema: { params: tenantParams, response: { 200: collection(grant), ...errorResponses } } },
    async (request) => ({ value: await admin.listGrants(request.params.tenantId) }),
  );

  app.put(
    `${grants}/:target`,
    { schema: { params: grantParams, body: grantBody, response: { 200: grant, ...errorResponses } } },
    (request) =>
      admin.grantPolicy(request.params.tenantId, request.body.policyName, grantTargetNamed(request.params.target)),
  );

  app.delete(`${grants}/:target`, { schema: { params: grantParams, response: noContent } }, async (request, reply) => {
    await admin.revokePolicy(request.params.tenantId, grantTargetNamed(request.params.target));
    return reply.code(204).send(null);
  });
}
