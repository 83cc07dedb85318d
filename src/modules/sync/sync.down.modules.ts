import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { eventsOf, type Consumer } from '../../platform/outbox';
import { AccountChanged, systemActor } from '../access';
import { AlertRaised } from '../alerts';
import { CustodyEventAppended } from '../custody';
import { WatchlistVersionImported } from '../screening';
import { ALL_SITES, type DownAppliers, type DownBody, type SyncDown } from './sync.down';
import { isToken, type SyncMessage } from './sync.domain';
import { SyncIdentityRecorded } from './sync.events';

/**
 * The way down, wired to the modules (issue 22, point 3).
 *
 * At a site, each kind of item is taken into its module in the transaction that records it applied (`SyncDown.apply`):
 * a watchlist release is imported as a version of its list (screening then runs against what it added or changed,
 * as after any import); a wanted-gallery entry joins or leaves the sightings module's gallery; an account is created or
 * brought to headquarters' version (the password's hash only); an alert is raised in the site's alert list.
 *
 * At headquarters, items are issued from its own events as they commit (outbox consumers, role `hq`): a watchlist
 * version imported, an account created or changed, an alert raised whose details name a site (`forSite`: a site id or
 * `*`); and, as a site's chain is applied, a person that site reports escaped or unaccounted goes to every site's
 * wanted gallery (and leaves it when the site reports them back).
 */

/** What the site's modules offer to take an item in (each in the caller's transaction). */
export interface SiteDownPorts {
  importRelease(tx: Db, release: { source: string; generatedAt: string | null; entries: unknown[] }, label: string): Promise<unknown>;
  applyWanted(tx: Db, item: DownBody<'wanted_gallery'>, issuedAt: string): Promise<void>;
  applyAccount(tx: Db, account: DownBody<'user_roles'>): Promise<void>;
  raiseAlert(tx: Db, key: string, alert: DownBody<'alert'>, hqId: number): Promise<void>;
}

export function siteDownAppliers(ports: SiteDownPorts): DownAppliers {
  return {
    watchlist_release: async (tx, body, meta) => {
      await ports.importRelease(
        tx,
        { source: body.source, generatedAt: body.generatedAt ?? null, entries: body.entries },
        `headquarters ${body.versionId} (item ${meta.hqId})`,
      );
    },
    wanted_gallery: (tx, body, meta) => ports.applyWanted(tx, body, meta.issuedAt),
    user_roles: (tx, body) => ports.applyAccount(tx, body),
    alert: (tx, body, meta) => ports.raiseAlert(tx, meta.key, body, meta.hqId),
  };
}

/** What headquarters' modules offer to build items from their events. */
export interface HqDownPorts {
  releaseForSites(tx: Db, versionId: string): Promise<{ source: string; generatedAt: string | null; entries: unknown[] } | null>;
  accountForSites(tx: Db, userId: string): Promise<DownBody<'user_roles'> | null>;
}

const ISSUER = 'headquarters';

/** Headquarters' consumers that issue items from its own events (registered with role `hq`). */
export function hqDownIssuers(down: SyncDown, ports: HqDownPorts): Consumer[] {
  return [
    {
      name: 'sync.down_watchlists',
      events: [WatchlistVersionImported],
      transactional: true,
      async handle(tx, events) {
        for (const { payload } of eventsOf(WatchlistVersionImported, events)) {
          const release = await ports.releaseForSites(tx, payload.versionId);
          if (!release) continue;
          await down.issueIn(
            tx,
            { kind: 'watchlist_release', key: release.source, site: ALL_SITES, body: { ...release, versionId: payload.versionId } },
            `${ISSUER}: watchlist version imported`,
          );
        }
      },
    },
    {
      name: 'sync.down_accounts',
      events: [AccountChanged],
      transactional: true,
      async handle(tx, events) {
        for (const { payload } of eventsOf(AccountChanged, events)) {
          const account = await ports.accountForSites(tx, payload.userId);
          if (!account) continue;
          await down.issueIn(tx, { kind: 'user_roles', key: account.username, site: ALL_SITES, body: account }, `${ISSUER}: account ${payload.change}`);
        }
      },
    },
    {
      name: 'sync.down_alerts',
      events: [AlertRaised],
      transactional: true,
      async handle(tx, events) {
        for (const { payload } of eventsOf(AlertRaised, events)) {
          const { alert } = payload;
          const forSite = (alert.details as { forSite?: unknown } | null | undefined)?.forSite;
          if (typeof forSite !== 'string' || (forSite !== ALL_SITES && !isToken(forSite))) continue;
          const { forSite: _, ...details } = (alert.details ?? {}) as Record<string, unknown>;
          await down.issueIn(
            tx,
            {
              kind: 'alert',
              key: `hq-alert-${alert.id}`,
              site: forSite,
              body: { severity: alert.severity, title: alert.title.slice(0, 500), details: { ...details, hqAlertId: alert.id, rule: alert.rule } },
            },
            `${ISSUER}: alert raised`,
          );
        }
      },
    },
  ];
}

const WANTED_STATUS: Record<string, 'ESCAPED' | 'UNACCOUNTED'> = { escaped: 'ESCAPED', unaccounted: 'UNACCOUNTED' };

/**
 * As headquarters applies a batch of a site's chain: each person that site's ledger reports escaped or unaccounted
 * goes down to every site's wanted gallery with the names the site sent (sync_hq_identities), and a person the
 * gallery holds that the ledger reports otherwise leaves it. An item is issued only when the wanted state changes.
 */
export async function issueWantedFromSite(tx: Db, down: SyncDown, siteId: string, messages: readonly SyncMessage[]): Promise<number> {
  let issued = 0;
  for (const m of messages) {
    // a site's identity event may come after the ledger event that made the person wanted: the names follow it down
    if (m.event.type === SyncIdentityRecorded.type && m.event.version === SyncIdentityRecorded.version) {
      const identity = SyncIdentityRecorded.schema.safeParse(m.event.payload);
      if (!identity.success) continue;
      const last = await lastWanted(tx, identity.data.personId);
      if (last?.wanted !== true || last.fromSite !== siteId) continue;
      const names = identity.data.names.slice(0, 50);
      if (JSON.stringify(last.names ?? []) === JSON.stringify(names)) continue;
      await down.issueIn(
        tx,
        { kind: 'wanted_gallery', key: identity.data.personId, site: ALL_SITES, body: { ...last, names } },
        `${ISSUER}: names from ${siteId}`,
      );
      issued += 1;
      continue;
    }
    if (m.event.type !== CustodyEventAppended.type || m.event.version !== CustodyEventAppended.version) continue;
    const parsed = CustodyEventAppended.schema.safeParse(m.event.payload);
    if (!parsed.success) continue;
    const e = parsed.data;
    const status = WANTED_STATUS[e.statusAfter];
    const lastBody = await lastWanted(tx, e.personId);
    const wasWanted = lastBody?.wanted === true;
    if (!status && !wasWanted) continue;
    if (status && wasWanted && lastBody?.status === status) continue;
    const [identity] = await queryRows<{ names: string[] }>(
      tx,
      sql`select names from sync_hq_identities where site_id = ${siteId} and person_id = ${e.personId}`,
    );
    await down.issueIn(
      tx,
      {
        kind: 'wanted_gallery',
        key: e.personId,
        site: ALL_SITES,
        body: status
          ? { personId: e.personId, wanted: true, names: (identity?.names ?? []).slice(0, 50), status, since: e.occurredAt, fromSite: siteId }
          : { personId: e.personId, wanted: false, names: (identity?.names ?? []).slice(0, 50), reason: `${e.type} at ${siteId}`, fromSite: siteId },
      },
      `${ISSUER}: ledger of ${siteId}`,
    );
    issued += 1;
  }
  return issued;
}

/** The latest wanted-gallery item headquarters issued for a person (null: never). */
async function lastWanted(tx: Db, personId: string): Promise<DownBody<'wanted_gallery'> | null> {
  const [last] = await queryRows<{ body: unknown }>(
    tx,
    sql`select body from sync_down_items where kind = 'wanted_gallery' and item_key = ${personId} order by id desc limit 1`,
  );
  if (!last) return null;
  return (typeof last.body === 'string' ? JSON.parse(last.body) : last.body) as DownBody<'wanted_gallery'>;
}

/** The system actor the sites' modules record what came from headquarters under. */
export const fromHeadquarters = () => systemActor('headquarters (sync)');
