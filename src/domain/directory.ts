import type { Clock } from '../common/clock.js';
import { isGuid } from '../common/guid.js';
import { clip } from '../common/text.js';
import { badRequest, forbidden, noApplicationAccessPolicy } from '../graph/errors.js';
import type { MeetingParticipantInfo } from '../graph/online-meeting.js';
import {
  type ApplicationRecord,
  type DirectoryStore,
  type DirectoryUser,
  DuplicateKey,
  type Store,
  type TenantRecord,
} from '../storage/store.js';
import type { ApplicationPrincipal, DelegatedPrincipal } from './principal.js';

/**
 * `open`: a signed-in user the directory does not know yet is added on their first request, as Entra already
 * knows everyone who can get a token. `closed`: only users added by an administrator (CLI, admin API, seed)
 * may call; tokens of anyone else are refused.
 */
export type DirectoryMode = 'open' | 'closed';

/**
 * Roles that only users of the organizer's own directory may be given: the create page
 * (https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings) says presenters and co-organizers
 * must be registered in Entra.
 */
const directoryOnlyRoles = new Set(['presenter', 'coorganizer']);

/** How long a signed-in user is remembered without asking the database; changes from other processes show after it. */
const signInCacheMs = 5_000;

export class Directory {
  private readonly signedIn = new Map<string, { user: DirectoryUser; fingerprint: string; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly mode: DirectoryMode = 'open',
    private readonly cacheSize = 10_000,
  ) {}

  /** The directory entry of the token's user; in an open directory, added on first sight. */
  async signIn(p: DelegatedPrincipal): Promise<DirectoryUser> {
    const key = `${p.tenantId}/${p.userId}`;
    const fingerprint = `${p.userPrincipalName ?? ''}\n${p.displayName ?? ''}`;
    const cached = this.signedIn.get(key);
    if (cached && cached.fingerprint === fingerprint && cached.until > this.clock.now()) return cached.user;

    let user = await this.store.directory.getUser(p.tenantId, p.userId);
    if (this.mode === 'open' && (!user || tokenFillsGaps(user, p))) {
      await this.addFromToken(p, user === undefined);
      user = await this.store.directory.getUser(p.tenantId, p.userId);
    }
    if (!user) {
      throw forbidden(
        `The signed-in user '${p.userId}' is not in the directory of tenant '${p.tenantId}'. An administrator must add them first.`,
      );
    }
    if (this.signedIn.size >= this.cacheSize) this.signedIn.clear();
    this.signedIn.set(key, { user, fingerprint, until: this.clock.now() + signInCacheMs });
    return user;
  }

  /** Drops what this process remembers of a user, after an administrator changed or removed them. */
  forget(tenantId: string, userId: string): void {
    this.signedIn.delete(`${tenantId}/${userId}`);
  }

  /**
   * The directory's own values win over the token's: the token only fills what the entry lacks. A UPN that
   * belongs to another user of the tenant is left out rather than failing the request.
   */
  private async addFromToken(p: DelegatedPrincipal, isNew: boolean): Promise<void> {
    const user = {
      tenantId: p.tenantId,
      id: p.userId,
      userPrincipalName: p.userPrincipalName,
      displayName: p.displayName,
    };
    if (isNew) await this.store.directory.ensureTenant(p.tenantId);
    try {
      await this.store.directory.addUserIfMissing(user);
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
      await this.store.directory.addUserIfMissing({ ...user, userPrincipalName: null });
    }
  }

  findUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    return this.store.directory.getUser(tenantId, userId.toLowerCase());
  }

  /** A user of the tenant named by object id (a GUID) or by userPrincipalName. */
  findUserByIdOrUpn(tenantId: string, idOrUpn: string): Promise<DirectoryUser | undefined> {
    return lookUpUser(this.store.directory, tenantId, idOrUpn);
  }

  findTenant(tenantId: string): Promise<TenantRecord | undefined> {
    return this.store.directory.getTenant(tenantId);
  }

  /** An application registered in the tenant, by its (client) id. */
  findApplication(tenantId: string, appId: string): Promise<ApplicationRecord | undefined> {
    return isGuid(appId)
      ? this.store.directory.getApplication(tenantId, appId.toLowerCase())
      : Promise.resolve(undefined);
  }

  /**
   * Application tokens act for a user only when an application access policy covering the app applies to the
   * user: their own grant if they have one, otherwise the tenant-wide grant (Teams' Grant-CsApplicationAccessPolicy).
   */
  async assertApplicationAccess(p: ApplicationPrincipal, userId: string): Promise<void> {
    const policy = await this.store.directory.effectivePolicy(p.tenantId, userId);
    if (!policy?.appIds.includes(p.appId)) {
      throw noApplicationAccessPolicy({ tenantId: p.tenantId, appId: p.appId, userId });
    }
  }

  /**
   * Matches attendees with the organizer's directory by object id or UPN: directory users get their directory
   * id, name and UPN; presenter and co-organizer roles are refused for anyone else. One query for the list.
   */
  async resolveAttendees(tenantId: string, attendees: MeetingParticipantInfo[]): Promise<MeetingParticipantInfo[]> {
    if (attendees.length === 0) return attendees;
    const named = attendees.map((a) => namedBy(a, tenantId));
    const users = await this.store.directory.findUsers(
      tenantId,
      [...new Set(named.flatMap((n) => (n.id ? [n.id] : [])))],
      [...new Set(named.flatMap((n) => (n.upn ? [n.upn] : [])))],
    );
    const byId = new Map(users.map((u) => [u.id, u]));
    const byUpn = new Map(
      users.flatMap((u) => (u.userPrincipalName ? [[u.userPrincipalName.toLowerCase(), u] as const] : [])),
    );

    const resolved: MeetingParticipantInfo[] = [];
    for (const [i, attendee] of attendees.entries()) {
      const { id, upn, label } = named[i] as AttendeeName;
      let user = (id ? byId.get(id) : undefined) ?? (upn ? byUpn.get(upn) : undefined);
      const idDiffers = user && id && user.id !== id;
      const upnDiffers = user?.userPrincipalName && upn && user.userPrincipalName.toLowerCase() !== upn;
      if (idDiffers || upnDiffers) {
        throw badRequest(
          `participants/attendees/${i} (${label}) names two different people: identity.user.id and upn must belong to the same user.`,
        );
      }
      if (!user && attendee.role && directoryOnlyRoles.has(attendee.role)) {
        user = await this.admitColleague(tenantId, attendee, named[i] as AttendeeName);
        if (!user) {
          throw badRequest(
            `participants/attendees/${i} (${label}) cannot be given the role '${attendee.role}': only users in the organizer's directory can be presenters or co-organizers. Add the user to the tenant first, or invite them as an attendee.`,
          );
        }
      }
      if (!user) {
        resolved.push(attendee);
        continue;
      }
      const identity = attendee.identity ?? {};
      resolved.push({
        ...attendee,
        identity: {
          ...identity,
          user: {
            ...identity.user,
            id: user.id,
            displayName: user.displayName ?? identity.user?.displayName ?? null,
            tenantId,
          },
        },
        upn: user.userPrincipalName ?? attendee.upn ?? null,
      });
    }
    return resolved;
  }

  /**
   * An open directory meets the organizer's colleagues as Entra would know them: a presenter or co-organizer named by
   * object id of this tenant, whose UPN (if given) is in one of the tenant's domains, is a user of the tenant, added
   * on first sight (as the create page's own examples name them). Undefined for anyone else.
   */
  private async admitColleague(
    tenantId: string,
    attendee: MeetingParticipantInfo,
    { id, upn }: AttendeeName,
  ): Promise<DirectoryUser | undefined> {
    if (this.mode !== 'open' || !id) return undefined;
    if (upn && !(await this.store.directory.hasUserInDomain(tenantId, upn.slice(upn.lastIndexOf('@') + 1)))) {
      return undefined;
    }
    const user = {
      tenantId,
      id,
      userPrincipalName: attendee.upn ?? null,
      displayName: attendee.identity?.user?.displayName ?? null,
    };
    await this.store.directory.addUserIfMissing(user);
    return (await this.store.directory.getUser(tenantId, id)) ?? user;
  }
}

/** A user of the tenant named by object id (a GUID) or by userPrincipalName, in `store` (which may be a transaction). */
export function lookUpUser(
  store: DirectoryStore,
  tenantId: string,
  idOrUpn: string,
): Promise<DirectoryUser | undefined> {
  return isGuid(idOrUpn) ? store.getUser(tenantId, idOrUpn.toLowerCase()) : store.getUserByUpn(tenantId, idOrUpn);
}

/** Whether the token can tell the directory something it lacks; only then is there anything to write. */
function tokenFillsGaps(user: DirectoryUser, p: DelegatedPrincipal): boolean {
  return (
    (user.userPrincipalName === null && p.userPrincipalName !== null) ||
    (user.displayName === null && p.displayName !== null)
  );
}

interface AttendeeName {
  /** lower-case object id, when the attendee names a user of this tenant by id */
  id: string | null;
  /** lower-case UPN */
  upn: string | null;
  /** how error messages name the attendee */
  label: string;
}

/** A user named with another tenant's id is a guest, never a member of this directory. */
function namedBy(a: MeetingParticipantInfo, tenantId: string): AttendeeName {
  const user = a.identity?.user;
  const ofThisTenant = !user?.tenantId || user.tenantId.toLowerCase() === tenantId;
  const id = ofThisTenant && isGuid(user?.id) ? user.id.toLowerCase() : null;
  const upn = a.upn ? a.upn.toLowerCase() : null;
  const label = a.upn ?? user?.id ?? user?.displayName ?? 'unnamed';
  return { id, upn, label: clip(label) };
}
