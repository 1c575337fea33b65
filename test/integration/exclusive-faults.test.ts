import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { starterWorkflow } from '../../main/comfy/starter';
import type { ConnectionState, EditionEvent, EditionResult } from '../../main/editions/edition';
import { ExclusiveClient, type ExclusiveClientOptions } from '../../main/editions/exclusive/exclusive-client';
import { toContractError } from '../../main/contract/dispatch';
import { AuthError, NetworkError } from '../../main/errors';
import type { Logger } from '../../main/log/logger';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/index';

let sim: Simulator | undefined;
let seed = 1000;
const clients: ExclusiveClient[] = [];

async function simulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  sim = await startSimulator({ workers: 1, ...options });
  return sim;
}

function connect(running: Simulator, options: Partial<ExclusiveClientOptions> = {}) {
  const client = new ExclusiveClient({
    url: running.info.exclusive.url,
    token: running.info.exclusive.token,
    timing: { pollIntervalMs: 100, maxPollIntervalMs: 400 },
    backoff: { initialMs: 20, maxMs: 200 },
    ...options,
  });
  clients.push(client);
  const results: EditionResult[] = [];
  const events: EditionEvent[] = [];
  client.onEvent((event) => events.push(event));
  client.start((result) => {
    results.push(result);
    return Promise.resolve();
  });
  const states = (): ConnectionState['state'][] =>
    events.flatMap((e) => (e.type === 'connection' ? [e.state.state] : []));
  return { client, results, events, states };
}

async function submit(client: ExclusiveClient): Promise<string> {
  const identity = randomUUID();
  // a new seed each time: ComfyUI would answer an identical prompt from its cache, without running it
  const workflow = starterWorkflow();
  const sampler = workflow['3'];
  if (sampler) sampler.inputs.seed = ++seed;
  await client.submit({ identity, jobId: identity, workflow });
  return identity;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
  sim = undefined;
});

/**
 * Only setTimeout is faked, and it still follows the real clock, so sockets and the simulator run as usual; the test
 * can then jump far past every backoff period at once to show that no reconnect was ever scheduled.
 */
function fakeTimeouts(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
}

describe('Exclusive edition under faults', () => {
  it('refuses a wrong token with an AuthError, and the progress socket stops with auth-failed', async () => {
    const running = await simulator();
    const wrong = 'not-the-token-0123456789';
    fakeTimeouts();
    const { client, states, events } = connect(running, { token: wrong, name: 'sd-prod' });
    const error = await submit(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).not.toContain(wrong);
    // Across the contract it is a coded sentence naming the service, which the renderer words.
    expect(toContractError(error)).toMatchObject({
      kind: 'auth',
      code: 'service-token-refused',
      params: { service: 'sd-prod', status: 401 },
    });
    await expect.poll(states).toContain('auth-failed');
    const failed = events.find((e) => e.type === 'connection' && e.state.state === 'auth-failed');
    expect(JSON.stringify(failed)).not.toContain(wrong);
    // many backoff periods later, still exactly one attempt: no reconnect loop on a refused token
    await vi.advanceTimersByTimeAsync(10_000);
    expect(states().filter((s) => s === 'connecting')).toHaveLength(1);
    expect(running.exclusive.socketCount()).toBe(0);
  });

  it('stops polling a followed prompt when the token is refused', async () => {
    const running = await simulator();
    const { client, states } = connect(running, { token: 'wrong-token-abcdef', progressSocket: false });
    client.follow(randomUUID());
    await expect.poll(states).toEqual(['auth-failed']);
  });

  it('ends in auth-failed, socket and polling both stopped, when a followed prompt meets a refused token', async () => {
    const running = await simulator();
    fakeTimeouts();
    const { client, states } = connect(running, { token: 'wrong-token-abcdef' });
    client.follow(randomUUID());
    await expect.poll(() => client.connectionState.state).toBe('auth-failed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(states().filter((s) => s === 'connecting')).toHaveLength(1);
    expect(states().at(-1)).toBe('auth-failed');
  });

  it('reports a stopped service as a NetworkError and backs off its socket', async () => {
    const running = await simulator();
    const url = running.info.exclusive.url;
    await running.exclusive.close();
    const { client, events } = connect(running, { url });
    const error = await submit(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('is the service running?');
    // Unnamed, the service is called by its host.
    expect(toContractError(error)).toMatchObject({
      kind: 'network',
      code: 'service-connection-refused',
      params: { service: new URL(url).host },
    });
    await expect
      .poll(() => events.filter((e) => e.type === 'connection' && e.state.state === 'backing-off').length)
      .toBeGreaterThanOrEqual(2);
    const backoff = events.find((e) => e.type === 'connection' && e.state.state === 'backing-off');
    expect(backoff).toMatchObject({ state: { reason: expect.stringContaining('refused') as string } });
  });

  it('completes every job exactly once while the socket is dropped every few frames', async () => {
    const running = await simulator({ dropWsEvery: 4, stepMs: 10 });
    const { client, results, states } = connect(running);
    const identities = [await submit(client), await submit(client), await submit(client)];
    await expect.poll(() => results.length, { timeout: 15_000 }).toBe(3);
    await running.exclusive.queue.idle();
    expect(results.map((r) => r.identity).sort()).toEqual([...identities].sort());
    expect(results.every((r) => r.error === undefined && r.outputs.length === 1)).toBe(true);
    expect(states().filter((s) => s === 'connecting').length).toBeGreaterThan(1);
  });

  it('completes every job exactly once across service restarts', async () => {
    const running = await simulator({ restartEverySec: 0.4, restartDownMs: 150, stepMs: 15 });
    const { client, results, states } = connect(running);
    const identities = [await submit(client), await submit(client), await submit(client)];
    await expect.poll(() => results.length, { timeout: 20_000 }).toBe(3);
    expect(results.map((r) => r.identity).sort()).toEqual([...identities].sort());
    expect(results.every((r) => r.error === undefined)).toBe(true);
    expect(states()).toContain('backing-off');
    // a little longer: nothing is delivered twice
    await running.exclusive.queue.idle();
    expect(results).toHaveLength(3);
  });

  it('rides out random 5xx replies: a submit is retried only after lookup says the service does not have it', async () => {
    const running = await simulator({ failRate: 0.25, seed: 7, stepMs: 5 });
    const { client, results } = connect(running);
    const submitted: string[] = [];
    for (let n = 0; n < 4; n++) {
      const identity = randomUUID();
      const workflow = starterWorkflow();
      const sampler = workflow['3'];
      if (sampler) sampler.inputs.seed = ++seed;
      for (let attempt = 0; ; attempt++) {
        expect(attempt).toBeLessThan(20);
        // a failed lookup says nothing: ask again before deciding to send
        const state = await client.lookup(identity).catch(() => undefined);
        if (!state) continue;
        if (state.state !== 'unknown') {
          client.follow(identity);
          break;
        }
        const sent = await client.submit({ identity, jobId: identity, workflow }).catch((e: unknown) => e);
        if (!(sent instanceof Error)) break;
        expect(sent).toMatchObject({ retryable: true });
      }
      submitted.push(identity);
    }
    await expect.poll(() => results.length, { timeout: 15_000 }).toBe(4);
    expect(results.map((r) => r.identity).sort()).toEqual([...submitted].sort());
    expect(results.every((r) => r.error === undefined)).toBe(true);
  });

  it('reports a prompt the service forgot in a restart as lost, once', async () => {
    const running = await simulator({ stepMs: 200 });
    const { client, results } = connect(running, {
      timing: { pollIntervalMs: 50, maxPollIntervalMs: 200, lostAfterMs: 300 },
    });
    await submit(client);
    const forgotten = await submit(client);
    await running.exclusive.simulateRestart(50, { loseState: true });
    await expect.poll(() => results.find((r) => r.identity === forgotten), { timeout: 10_000 }).toBeDefined();
    expect(results.find((r) => r.identity === forgotten)?.error).toMatch(/no longer knows this job/);
    expect(results.filter((r) => r.identity === forgotten)).toHaveLength(1);
  });
  it('logs nothing when it is closed while a poll of its prompts is still being read', async () => {
    // Every reply takes 300 ms and the prompt is polled every 100 ms: at close a poll is waiting for its reply.
    const running = await simulator({ latencyMs: 300 });
    const problems: string[] = [];
    const logger: Logger = {
      info: () => undefined,
      warn: (message) => problems.push(message),
      error: (message) => problems.push(message),
      child: () => logger,
    };
    const { client } = connect(running, { logger });
    await submit(client);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await client.close();
    expect(problems).toEqual([]);
  });
});
