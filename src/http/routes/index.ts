import { registerCreateOnlineMeeting } from './onlinemeeting-create.js';
import { registerCreateOrGetOnlineMeeting } from './onlinemeeting-createorget.js';
import { registerGetOnlineMeeting } from './onlinemeeting-get.js';
import type { GraphApp, RouteDeps } from './route-kit.js';

/** Every Graph operation graphmeet serves, one file each, named after its Graph docs page. */
export function registerGraphRoutes(app: GraphApp, deps: RouteDeps): void {
  registerCreateOnlineMeeting(app, deps);
  registerCreateOrGetOnlineMeeting(app, deps);
  registerGetOnlineMeeting(app, deps);
}
