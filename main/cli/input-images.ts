// `--image`: the files each LoadImage input takes, sent to the service before the batch is queued. One file sets the
// input; a folder of n images is a sweep of n values (one job each, times the prompts and seeds).
import { statSync } from 'node:fs';
import type { ContractHandlers } from '../../preload/contract';
import type { BatchSpecInput } from '../../preload/schemas/jobs';
import { listInputImages, MAX_INPUT_IMAGE_BYTES, readBoundedFile } from './cli-files';
import type { RunFlags } from './run-flags';

export interface ListedImages {
  parameter: string;
  files: string[];
}

export function listImages(flags: RunFlags): ListedImages[] {
  return (flags.images ?? []).map(({ parameter, path }) => ({ parameter, files: listInputImages(path) }));
}

/**
 * What identifies the images in a command's fingerprint: path, size and modification time of each (a file replaced
 * since the last run makes a new batch, without reading every file to find out).
 */
export function imagesFingerprint(images: ListedImages[]): unknown {
  return images.map(({ parameter, files }) => ({
    parameter,
    files: files.map((file) => {
      const info = statSync(file);
      return [file, info.size, info.mtimeMs];
    }),
  }));
}

/** Sends every image (one at a time: a folder of large photos is never all in memory) and sets them in the spec. */
export async function withInputImages(
  handlers: Pick<ContractHandlers, 'workflows.uploadImage'>,
  serviceId: string,
  images: ListedImages[],
  spec: BatchSpecInput,
): Promise<BatchSpecInput> {
  if (images.length === 0) return spec;
  const set = { ...spec.set };
  const sweeps = [...(spec.sweeps ?? [])];
  for (const { parameter, files } of images) {
    const values: string[] = [];
    for (const file of files) {
      const bytes = readBoundedFile(file, MAX_INPUT_IMAGE_BYTES, `--image ${file}`);
      const uploaded = await handlers['workflows.uploadImage']({
        serviceId,
        fileName: file,
        base64: bytes.toString('base64'),
      });
      values.push(uploaded.value);
    }
    const [only] = values;
    if (values.length === 1 && only !== undefined) set[parameter] = only;
    else sweeps.push({ parameter, values });
  }
  return { ...spec, set, ...(sweeps.length > 0 ? { sweeps } : {}) };
}
