// A handler's reply as a promise, also when the domain throws synchronously: every caller (both transports, the CLI,
// tests) then sees failures one way, as a rejection.
export function answer<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
