// What the stand-in `electron` module and the test say to each other over the child process's IPC channel. Shared by
// both sides, so it imports nothing.

/** What the stand-in app answers for app.getName() / getVersion() / getLocale(). */
export const STAND_IN_APP = { name: 'ArtLab Desktop', version: '0.1.0-stand-in', locale: 'en-US' } as const;

/** Environment the child reads. */
export const STAND_IN_ENV = {
  /** Folder of the compiled stand-in (electron.js, driver.js). */
  dir: 'ARTLAB_STAND_IN_DIR',
  /** What app.getPath('userData') answers; every other app path is a folder inside it. */
  userData: 'ARTLAB_STAND_IN_USER_DATA',
  /** '1': another instance holds the single-instance lock. */
  lockHeld: 'ARTLAB_STAND_IN_LOCK_HELD',
} as const;

/** One thing the shell did to Electron, in the order it did it. */
export interface ShellRecord {
  kind: string;
  detail?: unknown;
}

export interface InvokeCommand {
  name: 'invoke';
  channel: string;
  /** Whose webContents the call claims to come from: the app window's, or some other contents. */
  sender: 'app-window' | 'other-contents';
  frame: { url: string; top: boolean };
  args: unknown[];
}

/** What the test asks the child to do with the handlers the shell registered. */
export type Command =
  | InvokeCommand
  | { name: 'navigate'; url: string }
  | { name: 'attach-webview' }
  | { name: 'open-window'; url: string }
  | { name: 'permission-request'; permission: string }
  | { name: 'permission-check'; permission: string }
  | { name: 'response-headers'; url: string; headers: Record<string, string[]> }
  | { name: 'media'; url: string; method: 'GET' | 'HEAD' }
  | { name: 'second-instance' }
  | { name: 'menu-click'; label: string }
  | { name: 'close-window' };

export type ChildMessage =
  { type: 'record'; record: ShellRecord } | { type: 'reply'; id: number; value?: unknown; error?: string };

export interface ParentMessage {
  type: 'command';
  id: number;
  command: Command;
}
