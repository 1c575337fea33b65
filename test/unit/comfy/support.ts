// Helpers shared by the workflow tests.
import { ValidationError } from '../../../main/errors';

/** The ValidationError `fn` throws, so a test can assert its node, input and sentence; anything else fails. */
export function thrown(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}
