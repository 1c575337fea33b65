// Input images for a workflow's LoadImage-style inputs, put where the chosen service reads them. What an image is comes
// from its bytes, never from its file name. Each edition sends it once per content: the Exclusive edition through
// ComfyUI's upload (editions/exclusive/input-upload.ts), the API edition into its OSS mount's input folder
// (editions/queue/input-upload.ts).
import { probeMedia, PROBE_BYTES } from '../comfy/media-probe';
import type { Edition } from '../editions/edition';
import type { InputImage, UploadedInput } from '../editions/input-image';
import { NotFoundError, ValidationError } from '../errors';

interface InputUploader {
  uploadInput(image: InputImage, signal?: AbortSignal): Promise<UploadedInput>;
}

function canUpload(edition: Edition): edition is Edition & InputUploader {
  return 'uploadInput' in edition && typeof edition.uploadInput === 'function';
}

export interface InputImageFile {
  /** The name the artist knows it by: for messages only. */
  fileName: string;
  bytes: Uint8Array;
}

export async function putInputImage(
  edition: Edition | undefined,
  service: { name: string; edition: 'queue' | 'exclusive' },
  file: InputImageFile,
  signal?: AbortSignal,
): Promise<UploadedInput> {
  if (!edition) {
    throw new NotFoundError('That service no longer exists, or cannot be opened now.').withCode('service-gone');
  }
  const type = probeMedia(file.bytes.subarray(0, PROBE_BYTES));
  if (!type || type.media !== 'image' || type.ext === 'avif') {
    throw new ValidationError(
      `"${file.fileName}" is not a PNG, JPEG, WebP or GIF image, so a workflow cannot load it. Choose an image file.`,
    ).withCode('input-image-unreadable', { file: file.fileName });
  }
  if (!canUpload(edition)) {
    throw new ValidationError(`The service "${service.name}" cannot take input images.`).withCode(
      'input-images-unsupported',
      { service: service.name },
    );
  }
  return edition.uploadInput({ bytes: file.bytes, ext: type.ext }, signal);
}
