import type { Kysely } from 'kysely';

/**
 * An application may register a public certificate (PEM) and get tokens with a client assertion signed by its
 * private key, as apps that use certificate credentials with Entra do. Nothing private is stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('certificate_pem', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('certificate_pem').execute();
}
