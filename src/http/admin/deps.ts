import type { DirectoryAdmin } from '../../domain/directory-admin.js';
import type { AdminKey } from '../../identity/admin-key.js';

/** What the admin routes need: the administrator's use cases, and the key that guards them. */
export interface AdminDeps {
  admin: DirectoryAdmin;
  key: AdminKey;
}
