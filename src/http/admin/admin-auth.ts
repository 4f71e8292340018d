import type { FastifyInstance } from 'fastify';
import { GraphError } from '../../domain/errors.js';
import type { AdminKey } from '../../identity/admin-key.js';

const adminChallenge = { 'www-authenticate': 'Bearer realm="graphmeet-admin"' };

/** Every admin route needs `Authorization: Bearer <admin key>`; there is no way to turn this off. */
export function registerAdminAuth(app: FastifyInstance, key: AdminKey): void {
  app.addHook('onRequest', async (request) => {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      throw new GraphError(
        401,
        'Unauthorized',
        'The admin API needs the admin key: Authorization: Bearer <key>.',
        adminChallenge,
      );
    }
    if (!key.matches(match[1] as string)) {
      throw new GraphError(401, 'Unauthorized', 'The admin key is not valid.', adminChallenge);
    }
  });
}
