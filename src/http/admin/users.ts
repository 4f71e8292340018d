import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './index.js';
import { adminErrors, collection, noContent, tenantParams, user, userBody, userParams } from './schemas.js';

export function registerUserRoutes(app: GraphApp, { admin }: AdminDeps): void {
  app.get(
    '/tenants/:tenantId/users',
    { schema: { params: tenantParams, response: { 200: collection(user), ...adminErrors } } },
    async (request) => ({ value: await admin.listUsers(request.params.tenantId) }),
  );

  app.post(
    '/tenants/:tenantId/users',
    { schema: { params: tenantParams, body: userBody, response: { 201: user, ...adminErrors } } },
    async (request, reply) => reply.code(201).send(await admin.addUser(request.params.tenantId, request.body)),
  );

  /** `user` is the object id or the userPrincipalName. */
  app.get(
    '/tenants/:tenantId/users/:user',
    { schema: { params: userParams, response: { 200: user, ...adminErrors } } },
    (request) => admin.getUser(request.params.tenantId, request.params.user),
  );

  app.delete(
    '/tenants/:tenantId/users/:user',
    { schema: { params: userParams, response: noContent } },
    async (request, reply) => {
      await admin.removeUser(request.params.tenantId, request.params.user);
      return reply.code(204).send(null);
    },
  );
}
