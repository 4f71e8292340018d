import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-meetings-and-directory.js';

/** Every migration, in order. Names are fixed once released: the database records them. */
const migrations: Record<string, Migration> = {
  '001-meetings-and-directory': m001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
