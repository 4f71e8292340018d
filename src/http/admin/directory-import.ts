import { Type } from 'typebox';
import { directorySeed } from '../../domain/directory-seed.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';

const summary = Type.Object({
  tenants: Type.Integer(),
  users: Type.Integer(),
  applications: Type.Integer(),
  applicationAccessPolicies: Type.Integer(),
  grants: Type.Integer(),
  faultRules: Type.Integer(),
});

/** Loads a directory seed (the format of `graphmeet serve --seed`), all of it or nothing. */
export function registerDirectoryImportRoute(app: GraphApp, { admin, faults }: AdminDeps): void {
  app.post(
    '/directory/import',
    { schema: { body: directorySeed, response: { 200: summary, ...errorResponses } } },
    async (request) => ({
      ...(await admin.importSeed(request.body)),
      faultRules: await faults.seed(request.body.faults ?? []),
    }),
  );
}
