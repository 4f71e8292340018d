import type { FastifyInstance } from 'fastify';
import { adminUnauthorized } from '../../graph/errors.js';
import type { AdminKey } from '../../identity/admin-key.js';
import { bearerToken } from '../bearer-header.js';

/** Every admin route needs `Authorization: Bearer <admin key>`; there is no way to turn this off. */
export function registerAdminAuth(app: FastifyInstance, key: AdminKey): void {
  app.addHook('onRequest', async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined && (await key.matches(token))) return;
    reply.header('www-authenticate', 'Bearer realm="graphmeet-admin"');
    throw adminUnauthorized(
      token === undefined
        ? 'The admin API needs the admin key: Authorization: Bearer <key>.'
        : 'The admin key is not valid.',
    );
  });
}
