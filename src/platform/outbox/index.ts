export { defineEvent, eventsOf, isEvent, subjectsOf, type DomainEvent, type EventDefinition, type Subjects, type SubjectsInput } from './events';
export { Outbox, OUTBOX_CHANNEL, type EmitMeta } from './outbox';
export { Dispatcher, type Consumer, type ConsumerStatus } from './dispatcher';
export { readEvents, readEventsAbout, readHeads } from './outbox.repository';
