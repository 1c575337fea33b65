// Events for one renderer wait until it reports it is mounted (`app.ready`), so none is lost at start or after a
// reload. Only a reload of the main frame unmounts the renderer: the app keeps its page in location.hash, so
// same-document navigations (every page switch) and subframe navigations must not close the gate — if they did,
// every event after the first page switch would wait for an `app.ready` that never comes again.
import type { EventName } from '../../preload/contract';

export interface NavigationDetails {
  isMainFrame: boolean;
  isSameDocument: boolean;
}

export class RendererEventGate {
  private open = false;
  private readonly queued: [EventName, unknown][] = [];

  constructor(
    private readonly send: (event: EventName, payload: unknown) => void,
    private readonly maxQueued = 10_000,
  ) {}

  push(event: EventName, payload: unknown): void {
    if (this.open) this.send(event, payload);
    else if (this.queued.length < this.maxQueued) this.queued.push([event, payload]);
  }

  rendererReady(): void {
    this.open = true;
    for (const [event, payload] of this.queued.splice(0)) this.send(event, payload);
  }

  navigationStarted(details: NavigationDetails): void {
    if (details.isMainFrame && !details.isSameDocument) this.open = false;
  }
}
