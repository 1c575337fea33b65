import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { followUpdaterEvents, UPDATE_ERROR_MESSAGE } from '../../../main/updates/updater-events';
import type { UpdaterSnapshot } from '../../../main/updates/updater';

function follow() {
  const source = new EventEmitter();
  const snapshots: UpdaterSnapshot[] = [];
  const logged: string[] = [];
  const stop = followUpdaterEvents(
    source,
    (s) => snapshots.push(s),
    (_message, detail) => logged.push(detail),
  );
  return { source, snapshots, logged, stop };
}

describe("electron-updater's events", () => {
  it('go from checking through download progress to ready', () => {
    const { source, snapshots } = follow();
    source.emit('checking-for-update');
    source.emit('update-available', { version: '2.0.0' });
    source.emit('download-progress', { percent: 42.5 });
    source.emit('download-progress', { percent: 130 });
    source.emit('update-downloaded', { version: '2.0.0' });
    expect(snapshots).toEqual([
      { state: 'checking' },
      { state: 'downloading', availableVersion: '2.0.0', progress: 0 },
      { state: 'downloading', availableVersion: '2.0.0', progress: 0.425 },
      { state: 'downloading', availableVersion: '2.0.0', progress: 1 },
      { state: 'ready', availableVersion: '2.0.0' },
    ]);
  });

  it('say up to date when the feed has nothing newer', () => {
    const { source, snapshots } = follow();
    source.emit('checking-for-update');
    source.emit('update-not-available', { version: '1.0.0' });
    expect(snapshots.at(-1)).toEqual({ state: 'up-to-date' });
  });

  it('show the artist a sentence and log the error with its token redacted', () => {
    const { source, snapshots, logged } = follow();
    source.emit('update-available', { version: '2.0.0' });
    source.emit('error', new Error('GET https://feed.example/latest.yml?token=s3cr3t-value failed: 403'));
    expect(snapshots.at(-1)).toEqual({
      state: 'error',
      availableVersion: '2.0.0',
      progress: 0,
      error: UPDATE_ERROR_MESSAGE,
    });
    expect(logged.join('\n')).not.toContain('s3cr3t-value');
    expect(logged.join('\n')).toContain('403');
  });

  it('turn a payload of an unexpected shape into the error state instead of throwing into the updater', () => {
    const { source, snapshots, logged } = follow();
    expect(() => source.emit('update-available', { name: 'no version' })).not.toThrow();
    expect(snapshots.at(-1)).toMatchObject({ state: 'error' });
    expect(logged).toHaveLength(1);
  });

  it('stop being followed after the unsubscribe', () => {
    const { source, snapshots, stop } = follow();
    stop();
    source.emit('checking-for-update');
    expect(snapshots).toEqual([]);
    expect(source.eventNames()).toEqual([]);
  });
});
