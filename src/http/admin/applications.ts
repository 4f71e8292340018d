import { applicationInput } from '../../domain/directory-inputs.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { application, applicationParams, collection, createdApplication, noContent, tenantParams } from './schemas.js';

export function registerApplicationRoutes(app: GraphApp, { admin }: AdminDeps): void {
  app.get(
    '/tenants/:tenantId/applications',
    { schema: { params: tenantParams, response: { 200: collection(application), ...errorResponses } } },
    async (request) => ({ value: await admin.listApplications(request.params.tenantId) }),
  );

  app.post(
    '/tenants/:tenantId/applications',
    {
      schema: {
        params: tenantParams,
        body: applicationInput,
        response: { 201: createdApplication, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { application, clientSecret } = await admin.addApplication(request.params.tenantId, request.body);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...application, clientSecret });
    },
  );

  app.get(
    '/tenants/:tenantId/applications/:appId',
    { schema: { params: applicationParams, response: { 200: application, ...errorResponses } } },
    (request) => admin.getApplication(request.params.tenantId, request.params.appId),
  );

  app.delete(
    '/tenants/:tenantId/applications/:appId',
    { schema: { params: applicationParams, response: noContent } },
    async (request, reply) => {
      await admin.removeApplication(request.params.tenantId, request.params.appId);
      return reply.code(204).send(null);
    },
  );
}
