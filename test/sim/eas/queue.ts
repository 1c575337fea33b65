// One EAS queue in memory, with Redis-streams-like consumer groups (reference/eas-queue.md, "Watch semantics"):
// within a group each item goes to one consumer, every group sees every item, and an item sent but not committed
// stays pending on its consumer. When that consumer's connection drops, the item goes back to the same uid at once
// and, after `redeliveryGraceMs`, to any consumer of the group. Committed items leave the queue.
import { randomUUID } from 'node:crypto';

export interface QueueItem {
  readonly index: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly data: Buffer;
}

export interface ConsumerSpec {
  gid: string;
  uid: string;
  /** 0 = from the head, −1 = only items put after attaching, n = items with index ≥ n. */
  index: number;
  /** Most uncommitted items in flight on this consumer (ignored with autoCommit). */
  window: number;
  autoCommit: boolean;
  /** Only items carrying every one of these tags. */
  tags: Record<string, string>;
}

export interface Consumer {
  readonly spec: ConsumerSpec;
  /** Items sent to this consumer and not yet committed. */
  readonly inFlight: number;
  readonly lastSentIndex: number;
  /** Stops deliveries; what it holds becomes pending for redelivery. */
  detach(): void;
}

export interface QueueOptions {
  redeliveryGraceMs: number;
  maxLength: number;
  now?: () => number;
}

interface PendingEntry {
  uid: string;
  holder: ConsumerImpl | null;
  /** When it was sent or, once orphaned, when its consumer went away. */
  since: number;
}

class ConsumerImpl implements Consumer {
  readonly held = new Set<number>();
  lastSentIndex = 0;
  attached = true;
  constructor(
    readonly spec: ConsumerSpec,
    readonly fromIndex: number,
    readonly deliver: (item: QueueItem) => void,
    private readonly onDetach: (consumer: ConsumerImpl) => void,
  ) {}
  get inFlight(): number {
    return this.held.size;
  }
  hasRoom(): boolean {
    return this.spec.autoCommit || this.held.size < Math.max(1, this.spec.window);
  }
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.onDetach(this);
  }
}

export interface SearchResult {
  IsPending: boolean;
  WaitCount: number;
}

export class Queue {
  /** Insertion order is index order: indexes only grow. */
  private readonly items = new Map<number, QueueItem>();
  private nextIndex = 1;
  private readonly groups = new Map<string, Map<number, PendingEntry>>();
  private consumers: ConsumerImpl[] = [];
  private readonly putListeners = new Set<() => void>();
  private graceTimer: NodeJS.Timeout | undefined;
  private pumping = false;
  private pumpAgain = false;
  private readonly now: () => number;
  /** Deliveries made, redeliveries included: a test can see an item went out twice. */
  deliveries = 0;

  constructor(
    readonly name: string,
    private readonly options: QueueOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get length(): number {
    return this.items.size;
  }

  get lastIndex(): number {
    return this.nextIndex - 1;
  }

  /** Appends one item; a `requestId` tag is kept, otherwise one is made (the put reply's request id). */
  put(data: Buffer, tags: Record<string, string>): QueueItem {
    if (this.items.size >= this.options.maxLength) {
      const first = this.items.keys().next();
      if (!first.done) this.remove([first.value]);
    }
    const item: QueueItem = {
      index: this.nextIndex++,
      tags: { ...tags, requestId: tags.requestId ?? randomUUID() },
      data,
    };
    this.items.set(item.index, item);
    for (const listener of [...this.putListeners]) listener();
    this.pump();
    return item;
  }

  /** A non-destructive read (get without auto-delete): items with index ≥ `from` carrying `tags`. */
  read(from: number, length: number, tags: Record<string, string>): QueueItem[] {
    const found: QueueItem[] = [];
    for (const item of this.items.values()) {
      if (found.length >= length) break;
      if (item.index >= from && hasTags(item, tags)) found.push(item);
    }
    return found;
  }

  /** Calls `listener` after every put until the returned function is called. */
  onPut(listener: () => void): () => void {
    this.putListeners.add(listener);
    return () => this.putListeners.delete(listener);
  }

  /** Commit and delete alike: the items leave the queue and every group forgets them. Returns how many existed. */
  remove(indexes: number[]): number {
    let removed = 0;
    for (const index of indexes) {
      if (this.items.delete(index)) removed += 1;
      this.forgetPending(index);
    }
    this.pump();
    return removed;
  }

  /** Removes every item with index < `below`. */
  truncate(below: number): number {
    return this.remove([...this.items.keys()].filter((index) => index < below));
  }

  /** A consumer gives items back: they are free for any consumer of the group at once. */
  negativeCommit(indexes: number[]): void {
    for (const index of indexes) this.forgetPending(index);
    this.pump();
  }

  search(index: number): SearchResult | undefined {
    if (!this.items.has(index)) return undefined;
    if (this.isPendingAnywhere(index)) return { IsPending: true, WaitCount: 0 };
    let waitCount = 0;
    for (const other of this.items.keys()) {
      if (other < index && !this.isPendingAnywhere(other)) waitCount += 1;
    }
    return { IsPending: false, WaitCount: waitCount };
  }

  attach(spec: ConsumerSpec, deliver: (item: QueueItem) => void): Consumer {
    const fromIndex = spec.index < 0 ? this.nextIndex : spec.index;
    const consumer = new ConsumerImpl(spec, fromIndex, deliver, (gone) => this.detached(gone));
    this.consumers.push(consumer);
    this.pump();
    return consumer;
  }

  attributes(): Record<string, string> {
    const attributes: Record<string, string> = {
      'meta.backend': 'redis',
      'meta.name': this.name,
      'meta.state': 'Normal',
      'meta.maxPayloadBytes': String(8 * 1024 * 1024),
      'meta.header.user': 'X-EAS-QueueService-Redis-Uid',
      'meta.header.group': 'X-EAS-QueueService-Redis-Gid',
      'meta.header.priority': 'X-EAS-QueueService-Priority',
      'stream.length': String(this.items.size),
      'stream.approxMaxLength': String(this.options.maxLength),
      'consumers.status.total': String(this.consumers.length),
    };
    const keys = [...this.items.keys()];
    const first = keys[0];
    const last = keys[keys.length - 1];
    if (first !== undefined && last !== undefined) {
      attributes['stream.firstEntry'] = String(first);
      attributes['stream.lastEntry'] = String(last);
    }
    this.consumers.forEach((consumer, i) => {
      const { uid, window, autoCommit } = consumer.spec;
      attributes[`consumers.list.[${i}]`] =
        `Id: ${uid}, Index: ${consumer.lastSentIndex}, Pending: ${consumer.inFlight}, Status: Running, ` +
        `Window: ${window}, Slots: ${Math.max(0, window - consumer.inFlight)}, AutoCommit: ${autoCommit}`;
    });
    return attributes;
  }

  /** Items pending in some group (sent, not committed): for tests and stats. */
  pendingCount(): number {
    let count = 0;
    for (const index of this.items.keys()) if (this.isPendingAnywhere(index)) count += 1;
    return count;
  }

  close(): void {
    clearTimeout(this.graceTimer);
    for (const consumer of [...this.consumers]) consumer.attached = false;
    this.consumers = [];
    this.putListeners.clear();
  }

  private isPendingAnywhere(index: number): boolean {
    for (const pending of this.groups.values()) if (pending.has(index)) return true;
    return false;
  }

  private forgetPending(index: number): void {
    for (const pending of this.groups.values()) {
      const entry = pending.get(index);
      if (!entry) continue;
      entry.holder?.held.delete(index);
      pending.delete(index);
    }
  }

  private groupOf(gid: string): Map<number, PendingEntry> {
    let pending = this.groups.get(gid);
    if (!pending) {
      pending = new Map();
      this.groups.set(gid, pending);
    }
    return pending;
  }

  private detached(consumer: ConsumerImpl): void {
    this.consumers = this.consumers.filter((other) => other !== consumer);
    const pending = this.groupOf(consumer.spec.gid);
    const now = this.now();
    for (const index of consumer.held) {
      const entry = pending.get(index);
      if (entry) {
        entry.holder = null;
        entry.since = now;
      }
    }
    consumer.held.clear();
    this.pump();
  }

  /** Hands items to consumers with room, least recently served first, so a pool shares the work. */
  private pump(): void {
    // A deliver callback may commit or put synchronously: finish this round, then run once more.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        let progress = true;
        while (progress) {
          progress = false;
          for (const consumer of [...this.consumers]) {
            if (!consumer.attached || !consumer.hasRoom()) continue;
            const item = this.nextFor(consumer);
            if (item) {
              this.send(consumer, item);
              progress = true;
            }
          }
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    this.scheduleGraceTimer();
  }

  private nextFor(consumer: ConsumerImpl): QueueItem | undefined {
    const pending = this.groupOf(consumer.spec.gid);
    const now = this.now();
    for (const item of this.items.values()) {
      if (!hasTags(item, consumer.spec.tags)) continue;
      const entry = pending.get(item.index);
      if (!entry) {
        if (item.index >= consumer.fromIndex) return item;
        continue;
      }
      if (entry.holder !== null) continue;
      // Its own uncommitted items come back to a reconnecting uid whatever its start index.
      if (entry.uid === consumer.spec.uid) return item;
      if (item.index >= consumer.fromIndex && now - entry.since >= this.options.redeliveryGraceMs) return item;
    }
    return undefined;
  }

  private send(consumer: ConsumerImpl, item: QueueItem): void {
    this.deliveries += 1;
    consumer.lastSentIndex = item.index;
    this.consumers = [...this.consumers.filter((other) => other !== consumer), consumer];
    if (consumer.spec.autoCommit) {
      this.items.delete(item.index);
      this.forgetPending(item.index);
    } else {
      this.groupOf(consumer.spec.gid).set(item.index, {
        uid: consumer.spec.uid,
        holder: consumer,
        since: this.now(),
      });
      consumer.held.add(item.index);
    }
    consumer.deliver(item);
  }

  /** Wakes the pump when the earliest orphaned item becomes free for other consumers. */
  private scheduleGraceTimer(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    if (this.consumers.length === 0) return;
    const now = this.now();
    let earliest = Infinity;
    for (const pending of this.groups.values()) {
      for (const entry of pending.values()) {
        const freeAt = entry.since + this.options.redeliveryGraceMs;
        // Already-free items wait for the next put, commit or attach: a zero-delay timer here would spin.
        if (entry.holder === null && freeAt > now) earliest = Math.min(earliest, freeAt);
      }
    }
    if (earliest === Infinity) return;
    this.graceTimer = setTimeout(() => this.pump(), earliest - now + 1);
    this.graceTimer.unref();
  }
}

function hasTags(item: QueueItem, tags: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(tags)) if (item.tags[key] !== value) return false;
  return true;
}
