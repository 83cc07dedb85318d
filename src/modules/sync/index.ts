/** Sites and headquarters (issue 22): each site's outbox replicated to headquarters over NATS JetStream. */
export { SyncService, wireEvent, type ApplyResult, type SiteStatus, type SyncStatus } from './sync.service';
export { SiteRelay, HqIngest, startSyncLink, type SyncLinkOptions, type RelayCounters, type IngestCounters } from './sync.nats';
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
