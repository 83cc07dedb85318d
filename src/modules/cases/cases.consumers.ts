import type { Consumer } from '../../platform/outbox';
import { CustodyEventAppended } from '../custody';
import type { CasesService } from './cases.service';

/** The cases' reactions: an exit from custody closes the legal case and opens the reintegration case. */
export function casesConsumers(cases: CasesService): Consumer[] {
  return [
    {
      name: 'cases.custody_exits',
      events: [CustodyEventAppended],
      transactional: true,
      batchSize: 2000,
      handle: (tx, events) => cases.reintegration.onCustodyEvents(tx, events),
    },
  ];
}
