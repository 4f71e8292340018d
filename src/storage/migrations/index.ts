import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-meetings-and-directory.js';
import * as m002 from './002-tenants-applications-policies.js';
import * as m003 from './003-video-teleconference-id.js';
import * as m004 from './004-application-certificates.js';
import * as m005 from './005-server-keys.js';
import * as m006 from './006-tenant-first-keys.js';
import * as m007 from './007-postgres-byte-order-keys.js';
import * as m008 from './008-meeting-rooms.js';
import * as m009 from './009-rehearsal-controls.js';

/** Every migration, in order. Names are fixed once released: the database records them. */
const migrations: Record<string, Migration> = {
  '001-meetings-and-directory': m001,
  '002-tenants-applications-policies': m002,
  '003-video-teleconference-id': m003,
  '004-application-certificates': m004,
  '005-server-keys': m005,
  '006-tenant-first-keys': m006,
  '007-postgres-byte-order-keys': m007,
  '008-meeting-rooms': m008,
  '009-rehearsal-controls': m009,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
