/** Sites and headquarters (issue 22): each site's outbox replicated to headquarters over NATS JetStream. */
export { SyncService, wireEvent, type ApplyResult, type SiteStatus, type SyncStatus } from './sync.service';
export { SiteRelay, HqIngest, startSyncLink, syncLinkOptionsFromEnv, type SyncLinkOptions, type RelayCounters, type IngestCounters } from './sync.nats';
export { SyncForkDetected } from './sync.events';
export {
  ROLES as SYNC_ROLES,
  chainHash,
  isToken,
  namesFor,
  messageId,
  statusLine,
  agoText,
  siteFigures,
  SyncMessage,
  Receipt,
  type SyncRole,
} from './sync.domain';
export {
  SyncDown,
  DOWN_KINDS,
  ALL_SITES,
  DownMessage,
  downNamesFor,
  downMessageId,
  checkDownItem,
  type DownKind,
  type DownAppliers,
  type DownBody,
  type DownState,
  type DownCursor,
} from './sync.down';
export { HqDownPublisher, SiteDownConsumer, type DownPublisherCounters, type DownConsumerCounters } from './sync.down.nats';
export { restoreSign, type RestoreSign, type EpochRow, type EpochCheckRow } from './sync.epochs';
export { applySiteConfig, readSiteConfig, writeSiteConfig, SITE_CONFIG_FILE, type SiteConfig } from './sync.site-config';
export { siteDownAppliers, hqDownIssuers, issueWantedFromSite, fromHeadquarters, type SiteDownPorts, type HqDownPorts } from './sync.down.modules';
export {
  siteIdentityConsumer,
  identityOf,
  recordIdentities,
  IdentityCases,
  IDENTITY_CASE_STATUSES,
  type IdentityCaseView,
  type IdentityRecordView,
} from './sync.identity';
export { SyncIdentityRecorded, SyncIdentityCaseOpened, SyncIdentityCaseDecided } from './sync.events';
