import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './index.js';
import {
  adminErrors,
  application,
  applicationBody,
  applicationParams,
  collection,
  createdApplication,
  noContent,
  tenantParams,
} from './schemas.js';

export function registerApplicationRoutes(app: GraphApp, { admin }: AdminDeps): void {
  app.get(
    '/tenants/:tenantId/applications',
    { schema: { params: tenantParams, response: { 200: collection(application), ...adminErrors } } },
    async (request) => ({ value: await admin.listApplications(request.params.tenantId) }),
  );

  app.post(
    '/tenants/:tenantId/applications',
    { schema: { params: tenantParams, body: applicationBody, response: { 201: createdApplication, ...adminErrors } } },
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
    { schema: { params: applicationParams, response: { 200: application, ...adminErrors } } },
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
