import type { Consumer } from '../../platform/outbox';
import { AlertRaised } from '../alerts';
import { CustodyEventAppended } from '../custody';
import type { SightingsService } from './sightings.service';

/** The wanted gallery follows the ledger: escaped and unaccounted persons join it, any other status takes them out. */
export function sightingsConsumers(sightings: SightingsService): Consumer[] {
  return [
    {
      name: 'sightings.wanted',
      events: [CustodyEventAppended],
      transactional: true,
      batchSize: 5000,
      handle: (tx, events) => sightings.onLedgerChanged(tx, events),
    },
    // The first alert raised for a sighting: the figures' seconds from a checkpoint hit to the alert.
    { name: 'sightings.alerted', events: [AlertRaised], transactional: true, handle: (tx, events) => sightings.onAlertsRaised(tx, events) },
  ];
}
