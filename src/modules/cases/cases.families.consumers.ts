import type { Consumer } from '../../platform/outbox';
import { CustodyEventAppended } from '../custody';
import type { FamiliesService } from './cases.families.service';

/** A child left without a carer: the ledger's facts, read by the families rule (which raises `cases.child_separated`). */
export function familiesConsumers(families: FamiliesService): Consumer[] {
  return [
    {
      name: 'cases.child_separated',
      events: [CustodyEventAppended],
      transactional: true,
      batchSize: 2000,
      handle: (tx, events) => families.onLedgerChanged(tx, events),
    },
  ];
}
