// Events from main to every renderer transport. Payloads are parsed by their schema on the way out, for the same
// reason replies are (see dispatch.ts).
import { events, type EventName, type EventPayload } from '../../preload/contract';

export type EventSink = (event: EventName, payload: unknown) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const safe: unknown = events[event].parse(payload);
    for (const sink of this.sinks) sink(event, safe);
  }

  /** Returns the unsubscribe. */
  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get size(): number {
    return this.sinks.size;
  }
}
