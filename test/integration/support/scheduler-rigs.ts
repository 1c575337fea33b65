// Scheduler rigs (test/unit/dispatch/scheduler-rig.ts) that close themselves after each test of the file.
import { afterEach } from 'vitest';
import { schedulerRig, type RigOptions, type SchedulerRig } from '../../unit/dispatch/scheduler-rig';

/** Call at the top of a test file: the returned factory's rigs are all closed after each test. */
export function closingRigs(): (options: RigOptions) => Promise<SchedulerRig> {
  const rigs: SchedulerRig[] = [];
  afterEach(async () => {
    for (const rig of rigs.splice(0)) await rig.close();
  });
  return async (options) => {
    const created = await schedulerRig(options);
    rigs.push(created);
    return created;
  };
}
