import { userInput } from '../../domain/directory-inputs.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { collection, noContent, tenantParams, user, userParams } from './schemas.js';

export function registerUserRoutes(app: GraphApp, { admin }: AdminDeps): void {
  app.get(
    '/tenants/:tenantId/users',
    { schema: { params: tenantParams, response: { 200: collection(user), ...errorResponses } } },
    async (request) => ({ value: await admin.listUsers(request.params.tenantId) }),
  );

  app.post(
    '/tenants/:tenantId/users',
    { schema: { params: tenantParams, body: userInput, response: { 201: user, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await admin.addUser(request.params.tenantId, request.body)),
  );

  /** `user` is the object id or the userPrincipalName. */
  app.get(
    '/tenants/:tenantId/users/:user',
    { schema: { params: userParams, response: { 200: user, ...errorResponses } } },
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
