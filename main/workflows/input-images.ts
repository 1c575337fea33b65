// Input images for a workflow's LoadImage-style inputs, put where the chosen service reads them. What an image is comes
// from its bytes, never from its file name. Each edition sends it once per content: the Exclusive edition through
// ComfyUI's upload (editions/exclusive/input-upload.ts), the API edition into its OSS mount's input folder
// (editions/queue/input-upload.ts). Every image sent is also kept on this computer (input-copies.ts), so that a re-run
// or another member of a pool gets it without the artist choosing the file again.
import { readFile, stat } from 'node:fs/promises';
import type { InputImageUpload } from '../../preload/schemas/jobs';
import { probeMedia, PROBE_BYTES } from '../comfy/media-probe';
import type { Edition } from '../editions/edition';
import { MAX_INPUT_BYTES, type InputImage, type UploadedInput } from '../editions/input-image';
import { NotFoundError, ValidationError } from '../errors';
import type { InputCopies } from './input-copies';

interface InputUploader {
  uploadInput(image: InputImage, signal?: AbortSignal): Promise<UploadedInput>;
  hasInput(name: string, signal?: AbortSignal): Promise<boolean>;
}

function canUpload(edition: Edition): edition is Edition & InputUploader {
  return 'uploadInput' in edition && typeof edition.uploadInput === 'function';
}

export interface InputImageFile {
  /** The name the artist knows it by: for messages only. */
  fileName: string;
  bytes: Uint8Array;
}

export interface PutInput {
  value: string;
  reused: boolean;
  /** Sent again from this computer's copy: the service no longer had it. */
  fromCopy?: boolean;
  fileName?: string;
}

export interface InputImagesDeps {
  editionOf(serviceId: string): Edition | undefined;
  services(): readonly { id: string; name: string; edition: 'queue' | 'exclusive' }[];
  copies: InputCopies;
  /** A Gallery image's original file and the name it goes by, or undefined when it is not on this computer. */
  galleryImage(id: number): Promise<{ path: string; fileName: string } | undefined>;
}

const ENSURE_CONCURRENCY = 4;

/** A value a service could hold in its input folder: a plain name, no way out of the folder. */
const SAFE_VALUE = /^[^/\\\0]{1,255}$/;

export class InputImages {
  constructor(private readonly deps: InputImagesDeps) {}

  /** Puts the image where the service reads it and says what the input takes. */
  async put(request: InputImageUpload, signal?: AbortSignal): Promise<PutInput> {
    const { service, uploader } = this.target(request.serviceId);
    if ('base64' in request) {
      return this.send(uploader, { fileName: request.fileName, bytes: Buffer.from(request.base64, 'base64') }, signal);
    }
    if ('galleryImageId' in request) {
      const image = await this.deps.galleryImage(request.galleryImageId);
      if (!image) {
        throw new NotFoundError(
          'That image is not on this computer (it was deleted, or is still being fetched). Open it in the Gallery and try again.',
        ).withCode('input-image-not-local');
      }
      const info = await stat(image.path);
      if (info.size > MAX_INPUT_BYTES) {
        throw new ValidationError(
          `An input image must hold between 1 byte and 100 MB (this one has ${info.size} bytes).`,
        ).withCode('input-image-size', { bytes: info.size });
      }
      return this.send(uploader, { fileName: image.fileName, bytes: await readFile(image.path) }, signal);
    }
    return this.restore(service.name, uploader, request.value, signal);
  }

  /**
   * Makes sure each service holds each of the app's own inputs a batch names (a pool's members, each sent what it has
   * not got, from this computer's copy). Refused with the service named when one cannot get one.
   */
  async ensureOn(serviceIds: readonly string[], values: readonly string[], signal?: AbortSignal): Promise<void> {
    const work = serviceIds.flatMap((serviceId) => values.map((value) => ({ serviceId, value })));
    // A few at a time: a folder of 200 photos is 200 checks per service, each a round trip.
    const next = async (): Promise<void> => {
      for (let item = work.shift(); item; item = work.shift()) await this.put(item, signal);
    };
    await Promise.all(Array.from({ length: Math.min(ENSURE_CONCURRENCY, work.length) }, next));
  }

  private target(serviceId: string) {
    const service = this.deps.services().find((record) => record.id === serviceId);
    const edition = service ? this.deps.editionOf(serviceId) : undefined;
    if (!service || !edition) {
      throw new NotFoundError('That service no longer exists. It may have been deleted in another window.').withCode(
        'service-gone',
      );
    }
    if (!canUpload(edition)) {
      throw new ValidationError(`The service "${service.name}" cannot take input images.`).withCode(
        'input-images-unsupported',
        { service: service.name },
      );
    }
    return { service, uploader: edition };
  }

  private async send(
    uploader: InputUploader,
    file: InputImageFile,
    signal: AbortSignal | undefined,
  ): Promise<PutInput> {
    const type = probeMedia(file.bytes.subarray(0, PROBE_BYTES));
    if (!type || type.media !== 'image' || type.ext === 'avif') {
      throw new ValidationError(
        `"${file.fileName}" is not a PNG, JPEG, WebP or GIF image, so a workflow cannot load it. Choose an image file.`,
      ).withCode('input-image-unreadable', { file: file.fileName });
    }
    const uploaded = await uploader.uploadInput({ bytes: file.bytes, ext: type.ext }, signal);
    await this.deps.copies.keep(uploaded.name, file.bytes);
    return { value: uploaded.value, reused: uploaded.reused, fileName: file.fileName };
  }

  /**
   * A value a workflow holds: on the service already (one round trip, the common case: nothing read from disk), else
   * sent from this computer's copy, else gone.
   */
  private async restore(
    serviceName: string,
    uploader: InputUploader,
    value: string,
    signal: AbortSignal | undefined,
  ): Promise<PutInput> {
    if (SAFE_VALUE.test(value) && !value.startsWith('.') && (await uploader.hasInput(value, signal))) {
      return { value, reused: true };
    }
    const copy = await this.deps.copies.read(value);
    if (copy) {
      const type = probeMedia(copy.subarray(0, PROBE_BYTES));
      const uploaded = await uploader.uploadInput(
        { bytes: copy, ext: type?.ext ?? value.split('.').pop() ?? '' },
        signal,
      );
      return { value: uploaded.value, reused: uploaded.reused, ...(uploaded.reused ? {} : { fromCopy: true }) };
    }
    throw new NotFoundError(
      `“${value}” is no longer on “${serviceName}”, and this computer has no copy of it. Choose the image again.`,
    ).withCode('input-image-gone', { file: value, service: serviceName });
  }
}
