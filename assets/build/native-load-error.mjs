// Why better-sqlite3 failed to load, when a build fixes it: its binary was built for another runtime (Electron's ABI,
// another Node), or there is no binary at all (the install script was skipped or failed, or a fresh checkout shares a
// node_modules without one). Any other failure is not ours to paper over with a rebuild: undefined.
export function rebuildReason(error) {
  const text = String(error?.message ?? error);
  if (
    error?.code === 'ERR_DLOPEN_FAILED' ||
    /NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|invalid ELF|was compiled against/.test(text)
  ) {
    return 'built for another runtime';
  }
  // The message of the `bindings` package, which better-sqlite3 uses to find its .node file.
  if (/Could not locate the bindings file/.test(text)) return 'not built';
  return undefined;
}
