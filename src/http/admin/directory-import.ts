import { Type } from 'typebox';
import { directorySeed, importDirectorySeed } from '../../domain/directory-seed.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './index.js';
import { adminErrors } from './schemas.js';

const summary = Type.Object({
  tenants: Type.Integer(),
  users: Type.Integer(),
  applications: Type.Integer(),
  applicationAccessPolicies: Type.Integer(),
  grants: Type.Integer(),
});

/** Loads a directory seed (the format of `graphmeet serve --seed`), all of it or nothing. */
export function registerDirectoryImportRoute(app: GraphApp, deps: AdminDeps): void {
  app.post(
    '/directory/import',
    { schema: { body: directorySeed, response: { 200: summary, ...adminErrors } } },
    (request) => importDirectorySeed(deps.store, request.body, deps.directory),
  );
}
