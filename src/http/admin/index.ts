import type { GraphApp } from '../routes/route-kit.js';
import { registerAdminAuth } from './admin-auth.js';
import { registerApplicationAccessPolicyRoutes } from './application-access-policies.js';
import { registerApplicationRoutes } from './applications.js';
import { registerClockRoutes } from './clock.js';
import type { AdminDeps } from './deps.js';
import { registerDirectoryImportRoute } from './directory-import.js';
import { registerMeetingRoomRoutes } from './meeting-rooms.js';
import { registerTenantRoutes } from './tenants.js';
import { registerUserRoutes } from './users.js';

/** The admin API under /_graphmeet: the directory of tenants, users, apps and policies; graphmeet's clock; meetings made to happen. Admin key required. */
export function registerAdminRoutes(app: GraphApp, deps: AdminDeps): void {
  registerAdminAuth(app, deps.key);
  registerTenantRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerApplicationRoutes(app, deps);
  registerApplicationAccessPolicyRoutes(app, deps);
  registerDirectoryImportRoute(app, deps);
  registerClockRoutes(app, deps);
  registerMeetingRoomRoutes(app, deps);
}
