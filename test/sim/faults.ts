// Faults on demand, shared by every simulated server (EAS queue, Exclusive ComfyUI, OSS). Deterministic from a seed,
// so a failing test can be replayed.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FaultOptions {
  /** Added before every HTTP reply. */
  latencyMs: number;
  /** Share of HTTP requests answered with a 5xx (0..1). */
  failRate: number;
  /** Requests per second each server accepts before answering 429; 0 = unlimited. */
  rateLimit: number;
  /** Close watch and /ws sockets after this many frames sent; 0 = never. */
  dropWsEvery: number;
  /** Every this many seconds: close every socket and refuse connections for a moment; 0 = never. */
  restartEverySec: number;
  /** Share of API-edition jobs whose worker dies mid-job (the item is redelivered) (0..1). */
  workerCrashRate: number;
  /** Milliseconds per KSampler step. */
  stepMs: number;
  /** API-edition worker instances. */
  workers: number;
  /** Seed of the fault dice. */
  seed: number;
}

export const defaultFaults: FaultOptions = {
  latencyMs: 0,
  failRate: 0,
  rateLimit: 0,
  dropWsEvery: 0,
  restartEverySec: 0,
  workerCrashRate: 0,
  stepMs: 0,
  workers: 2,
  seed: 1,
};

/** mulberry32: small, fast, good enough for dice. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;
  private windowStart = 0;
  private windowCount = 0;

  constructor(
    readonly options: FaultOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.random = seededRandom(options.seed);
  }

  /** Dice for callers with their own faults (worker crashes). */
  roll(): number {
    return this.random();
  }

  /**
   * Applies latency, rate limiting and random 5xx to one HTTP request. Returns true when it answered the request
   * itself (the caller must not). Health and control routes may skip it.
   */
  async beforeHttpReply(_req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { latencyMs, rateLimit, failRate } = this.options;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (rateLimit > 0) {
      const t = this.now();
      if (t - this.windowStart >= 1000) {
        this.windowStart = t;
        this.windowCount = 0;
      }
      this.windowCount += 1;
      if (this.windowCount > rateLimit) {
        res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': '1' });
        res.end('Too Many Requests');
        return true;
      }
    }
    if (failRate > 0 && this.random() < failRate) {
      const status = this.random() < 0.5 ? 502 : 503;
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 502 ? 'Bad Gateway' : 'Service Unavailable');
      return true;
    }
    return false;
  }

  /** Counts a websocket frame sent on one socket; true when the socket must now be dropped. */
  shouldDropAfterFrame(framesSentOnSocket: number): boolean {
    const every = this.options.dropWsEvery;
    return every > 0 && framesSentOnSocket > 0 && framesSentOnSocket % every === 0;
  }
}

/** A server the simulator can "restart": every socket closed, new connections refused for `downMs`. */
export interface Restartable {
  simulateRestart(downMs: number): Promise<void>;
}
