import type { Consumer } from '../../platform/outbox';
import { CustodyEventAppended } from '../custody';
import type { GuardsService } from './guards.service';

/** The governance ratio follows the roll: every change of placements recomputes the facilities concerned. */
export function guardsConsumers(guards: GuardsService): Consumer[] {
  return [
    {
      name: 'guards.placements',
      events: [CustodyEventAppended],
      transactional: true,
      batchSize: 5000,
      handle: (tx, events) => guards.onPlacementsChanged(tx, events),
    },
  ];
}
