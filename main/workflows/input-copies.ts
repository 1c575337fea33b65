// This computer's copy of every input image the app has sent: `<data>/inputs/artlab-<sha40>.<ext>`, named by content
// as on the services. A re-run, or a pool member that has not got an image yet, is sent it from here without the
// artist picking the file again. Bounded: past the cap the least recently used copies go (a re-run of an image whose
// copy went, on a service that lost it, says so and asks for the file).
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CONTENT_NAME = /^artlab-([0-9a-f]{40})\.([a-z0-9]{2,5})$/;
export const INPUT_COPIES_CAP_BYTES = 2 * 1024 ** 3;

/** Whether a LoadImage value is one of the app's own inputs (named by the SHA-256 of its bytes). */
export function isContentName(value: string): boolean {
  return CONTENT_NAME.test(value);
}

/** The app's own inputs a batch names: in the workflow's inputs, the values it sets and its sweeps. */
export function contentNames(
  workflow: Readonly<Record<string, { inputs: Readonly<Record<string, unknown>> }>>,
  spec: { set?: Readonly<Record<string, unknown>>; sweeps?: readonly object[] },
): string[] {
  const found = new Set<string>();
  const look = (value: unknown) => {
    if (typeof value === 'string' && isContentName(value)) found.add(value);
  };
  for (const node of Object.values(workflow)) Object.values(node.inputs).forEach(look);
  Object.values(spec.set ?? {}).forEach(look);
  for (const sweep of spec.sweeps ?? [])
    if ('values' in sweep && Array.isArray(sweep.values)) sweep.values.forEach(look);
  return [...found];
}

export class InputCopies {
  constructor(
    private readonly dir: string,
    private readonly capBytes = INPUT_COPIES_CAP_BYTES,
  ) {}

  /** Keeps the bytes under their content name (written whole, then renamed: never a half file under that name). */
  async keep(name: string, bytes: Uint8Array): Promise<void> {
    if (!isContentName(name)) return;
    const path = join(this.dir, name);
    const now = new Date();
    const present = await stat(path).catch(() => null);
    if (present?.size === bytes.length) {
      await utimes(path, now, now).catch(() => undefined);
      return;
    }
    await mkdir(this.dir, { recursive: true });
    const temporary = join(this.dir, `.${randomUUID()}.part`);
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } finally {
      await rm(temporary, { force: true });
    }
    // The folder is listed once, then its size followed: a folder of 2,000 photos is not listed 2,000 times.
    this.total = this.total === undefined ? undefined : this.total + bytes.length - (present?.size ?? 0);
    if (this.total === undefined || this.total > this.capBytes) await this.prune(name);
  }

  /** The folder's size as last listed plus what was kept since; undefined until it is first listed. */
  private total: number | undefined;

  /** The bytes kept under that name, when they are still there and still hash to it; else undefined. */
  async read(name: string): Promise<Buffer | undefined> {
    const match = CONTENT_NAME.exec(name);
    if (!match) return undefined;
    const bytes = await readFile(join(this.dir, name)).catch(() => undefined);
    if (!bytes) return undefined;
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (!sha.startsWith(match[1] ?? '')) return undefined;
    const now = new Date();
    await utimes(join(this.dir, name), now, now).catch(() => undefined);
    return bytes;
  }

  /** Removes the least recently used copies until the folder is within its cap (never the one just kept). */
  private async prune(kept: string): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const files: { name: string; size: number; used: number }[] = [];
    for (const name of names) {
      if (!isContentName(name)) continue;
      const info = await stat(join(this.dir, name)).catch(() => null);
      if (info?.isFile()) files.push({ name, size: info.size, used: info.mtimeMs });
    }
    let total = files.reduce((sum, file) => sum + file.size, 0);
    files.sort((a, b) => a.used - b.used);
    for (const file of files) {
      if (total <= this.capBytes) break;
      if (file.name === kept) continue;
      await rm(join(this.dir, file.name), { force: true });
      total -= file.size;
    }
    this.total = total;
  }
}
