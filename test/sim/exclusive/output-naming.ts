// File names as ComfyUI's folder_paths.get_save_image_path picks them: the prefix may carry a subfolder
// ("portraits/ComfyUI"), and each (subfolder, prefix) pair counts up from the highest counter already on disk —
// here, already in the mounted bucket — so a restarted server does not overwrite earlier outputs.
import type { ObjectStore } from '../oss/object-store';

export class OutputPathError extends Error {}

/** `<mountPrefix>/<type>/<subfolder>/<filename>` without empty segments. */
export function mountKey(mountPrefix: string, type: string, subfolder: string, filename: string): string {
  return [mountPrefix.replace(/^\/+|\/+$/g, ''), type, subfolder.replace(/^\/+|\/+$/g, ''), filename]
    .filter((part) => part !== '')
    .join('/');
}

export class OutputNaming {
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly mountPrefix: string,
  ) {}

  /** The name of the next file for `filenamePrefix` in the `type` folder (output or temp). */
  next(filenamePrefix: string, extension: string, type: string): { filename: string; subfolder: string } {
    const normalized = filenamePrefix.replace(/\\/g, '/');
    const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
    if (normalized.startsWith('/') || parts.includes('..')) {
      throw new OutputPathError('Saving image outside the output folder is not allowed.');
    }
    const base = parts.pop() ?? 'ComfyUI';
    const subfolder = parts.join('/');
    const slot = `${type}\u0000${subfolder}\u0000${base}`;
    const counter = (this.counters.get(slot) ?? this.highestCounter(type, subfolder, base)) + 1;
    this.counters.set(slot, counter);
    return { filename: `${base}_${String(counter).padStart(5, '0')}_.${extension}`, subfolder };
  }

  private highestCounter(type: string, subfolder: string, base: string): number {
    const folder = `${mountKey(this.mountPrefix, type, subfolder, '')}/`.replace(/^\//, '');
    const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_(\\d+)_`);
    let highest = 0;
    let token: string | undefined;
    do {
      const page = this.store.list({
        prefix: `${folder}${base}_`,
        maxKeys: 1000,
        ...(token ? { continuationToken: token } : {}),
      });
      for (const object of page.contents) {
        const match = pattern.exec(object.key.slice(folder.length));
        if (match?.[1]) highest = Math.max(highest, Number(match[1]));
      }
      token = page.nextContinuationToken;
    } while (token);
    return highest;
  }
}
