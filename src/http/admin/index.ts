import type { GraphApp } from '../routes/route-kit.js';
import { registerAdminAuth } from './admin-auth.js';
import { registerApplicationAccessPolicyRoutes } from './application-access-policies.js';
import { registerApplicationRoutes } from './applications.js';
import type { AdminDeps } from './deps.js';
import { registerDirectoryImportRoute } from './directory-import.js';
import { registerTenantRoutes } from './tenants.js';
import { registerUserRoutes } from './users.js';

/** The admin API under /_graphmeet: the directory of tenants, users, apps and policies. Admin key required. */
export function registerAdminRoutes(app: GraphApp, deps: AdminDeps): void {
  registerAdminAuth(app, deps.key);
  registerTenantRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerApplicationRoutes(app, deps);
  registerApplicationAccessPolicyRoutes(app, deps);
  registerDirectoryImportRoute(app, deps);
}
