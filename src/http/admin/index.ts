import type { GraphApp } from '../routes/route-kit.js';
import { registerAdminAuth } from './admin-auth.js';
import { registerApplicationAccessPolicyRoutes } from './application-access-policies.js';
import { registerApplicationRoutes } from './applications.js';
import { registerClockRoutes } from './clock.js';
import type { AdminDeps } from './deps.js';
import { registerDirectoryImportRoute } from './directory-import.js';
import { registerFaultRoutes } from './faults.js';
import { registerMeetingRoomRoutes } from './meeting-rooms.js';
import { registerMeetingAdminRoutes } from './meetings.js';
import { registerRequestRoutes } from './requests.js';
import { registerResetRoute } from './reset.js';
import { registerTenantRoutes } from './tenants.js';
import { registerThrottlingRoutes } from './throttling.js';
import { registerUserRoutes } from './users.js';

/** The admin API under /_graphmeet: the directory of tenants, users, apps and policies; graphmeet's clock; meetings made to happen; meetings found, read and deleted; the request inspector; fault rules, throttling and reset. Admin key required. */
export function registerAdminRoutes(app: GraphApp, deps: AdminDeps): void {
  registerAdminAuth(app, deps.key);
  registerTenantRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerApplicationRoutes(app, deps);
  registerApplicationAccessPolicyRoutes(app, deps);
  registerDirectoryImportRoute(app, deps);
  registerClockRoutes(app, deps);
  registerMeetingRoomRoutes(app, deps);
  registerMeetingAdminRoutes(app, deps);
  registerRequestRoutes(app, deps);
  registerFaultRoutes(app, deps);
  registerThrottlingRoutes(app, deps);
  registerResetRoute(app, deps);
}
