import type { Directory } from '../../domain/directory.js';
import type { DirectoryAdmin } from '../../domain/directory-admin.js';
import type { AdminKey } from '../../identity/admin-key.js';
import type { Store } from '../../storage/store.js';
import type { GraphApp } from '../routes/route-kit.js';
import { registerAdminAuth } from './admin-auth.js';
import { registerApplicationAccessPolicyRoutes } from './application-access-policies.js';
import { registerApplicationRoutes } from './applications.js';
import { registerDirectoryImportRoute } from './directory-import.js';
import { registerTenantRoutes } from './tenants.js';
import { registerUserRoutes } from './users.js';

export interface AdminDeps {
  admin: DirectoryAdmin;
  store: Store;
  directory: Directory;
  key: AdminKey;
}

/** The admin API under /_graphmeet: the directory of tenants, users, apps and policies. Admin key required. */
export function registerAdminRoutes(app: GraphApp, deps: AdminDeps): void {
  registerAdminAuth(app, deps.key);
  registerTenantRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerApplicationRoutes(app, deps);
  registerApplicationAccessPolicyRoutes(app, deps);
  registerDirectoryImportRoute(app, deps);
}
