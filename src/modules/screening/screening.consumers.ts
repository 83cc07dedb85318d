import { eventsOf, type Consumer, type DomainEvent } from '../../platform/outbox';
import { PersonChanged } from '../registry';
import { WatchlistVersionImported } from './screening.events';
import type { ScreeningService } from './screening.service';

const TRIGGERS = { created: 'enrolment', names: 'person_names', details: 'person_details' } as const;

/**
 * Screening reacts to enrolments and changes of persons (screened against every active list) and to list imports
 * (the registry against what the release added or changed). One consumer for both, in the stream's order, so that a
 * run never overlaps another; both runs are idempotent (a pair already recorded is kept or refreshed, never doubled),
 * as at-least-once delivery requires.
 */
export function screeningConsumers(screening: ScreeningService): Consumer[] {
  return [
    {
      name: 'screening.reactions',
      events: [PersonChanged, WatchlistVersionImported],
      transactional: false,
      batchSize: 200,
      handle: (events) => screening.exclusive(() => react(screening, events)),
    },
  ];
}

async function react(screening: ScreeningService, events: readonly DomainEvent[]): Promise<void> {
  let persons = new Map<string, Set<string>>();
  const flush = async () => {
    for (const [trigger, ids] of persons) await screening.screenPersons([...ids], trigger);
    persons = new Map();
  };
  for (const event of events) {
    const [changed] = eventsOf(PersonChanged, [event]);
    if (changed) {
      const { change, personIds } = changed.payload;
      if (change === 'relations') continue;
      const trigger = TRIGGERS[change];
      const set = persons.get(trigger) ?? new Set<string>();
      for (const id of personIds) set.add(id);
      persons.set(trigger, set);
      continue;
    }
    const [imported] = eventsOf(WatchlistVersionImported, [event]);
    if (imported) {
      await flush();
      await screening.screenListUpdates(`list_update:${imported.payload.source}:${imported.payload.versionId}`);
    }
  }
  await flush();
}
