// How many times the simulated services accepted each job: what "no prompt ran twice" and "no task was put twice" are
// checked on.
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

/** Wraps the API edition's input queue so every put (an `api_prompt` submission) is counted by its task_id. */
export function countPutTasks(sim: Simulator): Map<string, number> {
  const puts = new Map<string, number>();
  const input = sim.queue.input;
  const put = input.put.bind(input);
  input.put = (data, tags) => {
    const item = put(data, tags);
    const id = tags.task_id;
    if (id !== undefined) puts.set(id, (puts.get(id) ?? 0) + 1);
    return item;
  };
  return puts;
}
