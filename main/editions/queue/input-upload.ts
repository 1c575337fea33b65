// Input images for LoadImage-style nodes on the API edition. The service has no upload API: its ComfyUI reads inputs
// from the OSS storage path it mounts as its data directory, so the image is put at `<mount prefix>/input/<name>`
// (oss/storage-path.ts inputKey) with the service's own OSS credentials, named by its content
// (`artlab-<sha40>.<ext>`) so that a batch using it many times, or a rerun, sends its bytes once. The workflow's
// LoadImage gets the bare name, as ComfyUI resolves it inside its input folder.
import { ValidationError } from '../../errors';
import type { OssImageSource } from '../../oss/oss-image-source';
import { inputKey } from '../../oss/storage-path';
import { checkInputImage, inputImageName, uploadTimeoutMs, type InputImage, type UploadedInput } from '../input-image';

/** What the upload needs of the service's OSS location. */
export type InputObjectStore = Pick<OssImageSource, 'location' | 'sizeOf' | 'putNew'>;

function noOss(service: string): ValidationError {
  return new ValidationError(
    `The API-edition service “${service}” reads input images from its OSS mount: set its OSS storage path and AccessKey in the service's settings first.`,
  ).withCode('input-images-no-oss', { service });
}

/** Whether the service's OSS mount holds an input of that name. */
export async function inputInMount(
  store: InputObjectStore | undefined,
  service: string,
  name: string,
): Promise<boolean> {
  if (!store) throw noOss(service);
  return (await store.sizeOf(inputKey(store.location, name))) !== undefined;
}

export async function putInputInMount(
  store: InputObjectStore | undefined,
  service: string,
  image: InputImage,
  signal?: AbortSignal,
): Promise<UploadedInput> {
  if (!store) throw noOss(service);
  checkInputImage(image);
  const name = inputImageName(image);
  const key = inputKey(store.location, name);
  signal?.throwIfAborted();
  // A key named by its content that is already there with this size holds these bytes: nothing to send. Another
  // size there is not this content (a foreign or damaged object): it is replaced.
  const size = await store.sizeOf(key);
  if (size === image.bytes.length) return { value: name, name, subfolder: '', reused: true };
  signal?.throwIfAborted();
  const written = await store.putNew(key, image.bytes, uploadTimeoutMs(image.bytes.length), size !== undefined);
  return { value: name, name, subfolder: '', reused: !written };
}
