import { EventEmitter } from 'node:events';

/**
 * In-process notifications between modules (custody appended, roll call closed, alert raised). Listeners run after
 * the transaction committed; between processes, PostgreSQL NOTIFY carries the same messages.
 */
export interface BusMessages {
  'custody.appended': { siteId: string; count: number; personIds: string[]; facilityIds: string[] };
  'person.changed': { personIds: string[]; change: string };
  [topic: string]: unknown;
}

export class Bus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(1000);
  }
  on<K extends keyof BusMessages & string>(topic: K, listener: (msg: BusMessages[K]) => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }
  emit<K extends keyof BusMessages & string>(topic: K, msg: BusMessages[K]): void {
    this.emitter.emit(topic, msg);
  }
}
