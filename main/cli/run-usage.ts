// A problem with how the CLI was called: exit 2, with the usage shown.
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
