// updates.*: the app's update state, a check on demand, restart into a downloaded update, the automatic check.
import type { ContractHandlers } from '../../preload/contract';
import { answer } from './answer';
import type { updateMethods } from '../../preload/schemas/updates';
import type { UpdatesModule } from '../updates/updates-module';

export type UpdateHandlers = Pick<ContractHandlers, keyof typeof updateMethods>;

export function updateHandlers(updates: UpdatesModule): UpdateHandlers {
  return {
    'updates.status': () => answer(() => updates.status()),
    'updates.check': () => updates.check(),
    'updates.restart': () => answer(() => updates.restart()),
    'updates.configure': ({ autoCheck }) => answer(() => updates.configure(autoCheck)),
  };
}
