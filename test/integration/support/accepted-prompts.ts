// How many times the simulated Exclusive service accepted each prompt id: what "no prompt ran twice" is checked on.
import type { Simulator } from '../../sim/index';

/** Wraps the simulator's prompt queue so every accepted submission is counted by its prompt_id. */
export function countAcceptedPrompts(sim: Simulator): Map<string, number> {
  const accepted = new Map<string, number>();
  const queue = sim.exclusive.queue;
  const submit = queue.submit.bind(queue);
  queue.submit = (body) => {
    const reply = submit(body);
    const id = (body as { prompt_id?: unknown }).prompt_id;
    if (reply.status === 200 && typeof id === 'string') accepted.set(id, (accepted.get(id) ?? 0) + 1);
    return reply;
  };
  return accepted;
}
