// Input images for LoadImage-style nodes on the Exclusive edition: uploaded to ComfyUI's input folder under a name made
// of their content hash, so a batch that uses one image many times, or a rerun, sends its bytes once. ComfyUI's
// /upload/image without overwrite keeps an identical file's name and renames a different one (" (1)"); a hash name
// never meets a different file, and a file already there is found with /view before anything is sent.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ServiceError, ValidationError, excerpt } from '../../errors';
import { redact } from '../../log/redact';
import type { HttpClient } from '../http';

/** ComfyUI's own default `max_upload_size` (100 MB): a larger file would be refused by the server anyway. */
export const MAX_INPUT_BYTES = 100 * 1024 * 1024;
const UPLOAD_BASE_TIMEOUT_MS = 30_000;

export interface InputImage {
  bytes: Uint8Array;
  /** The file's type as its content says (png, jpg, webp, gif), without the dot: ComfyUI opens inputs by extension. */
  ext: string;
}

export interface UploadedInput {
  /** What a LoadImage `image` input takes: `name`, or `subfolder/name` when ComfyUI put it in a subfolder. */
  value: string;
  name: string;
  subfolder: string;
  /** The service had it already: nothing was sent. */
  reused: boolean;
}

const uploadReplySchema = z.object({
  name: z.string().min(1).max(255),
  subfolder: z.string().max(255),
  type: z.string(),
});

/** `artlab-<sha256>.png`: the same bytes get the same name on every service and every run. */
export function inputImageName(image: InputImage): string {
  const sha = createHash('sha256').update(image.bytes).digest('hex');
  return `artlab-${sha.slice(0, 40)}.${image.ext}`;
}

export async function uploadInputImage(
  http: HttpClient,
  label: string,
  image: InputImage,
  signal?: AbortSignal,
): Promise<UploadedInput> {
  if (!/^[a-z0-9]{2,5}$/.test(image.ext)) {
    throw new ValidationError(`An input image needs a file type such as png or jpg, not "${image.ext}".`).withCode(
      'input-image-type',
      { type: image.ext },
    );
  }
  if (image.bytes.length === 0 || image.bytes.length > MAX_INPUT_BYTES) {
    throw new ValidationError(
      `An input image must hold between 1 byte and 100 MB (this one has ${image.bytes.length} bytes).`,
    ).withCode('input-image-size', { bytes: image.bytes.length });
  }
  const name = inputImageName(image);
  // Only the first bytes of an existing file are read: its name is its content.
  const existing = await http.request({
    path: 'view',
    query: { filename: name, type: 'input' },
    accept: [400, 404],
    maxBytes: 1024,
    truncate: true,
    ...(signal ? { signal } : {}),
  });
  if (existing.status === 200) return { value: name, name, subfolder: '', reused: true };

  const form = new FormData();
  // A copy: a Blob takes only bytes backed by a plain ArrayBuffer (the caller's may be a Buffer on a shared pool).
  form.set('image', new Blob([new Uint8Array(image.bytes)]), name);
  form.set('type', 'input');
  form.set('overwrite', 'false');
  const encoded = new Response(form);
  const response = await http.request({
    method: 'POST',
    path: 'upload/image',
    // The client's 30 s covers a reply, not sending 100 MB up a slow line: a second more for every 256 KiB.
    timeoutMs: UPLOAD_BASE_TIMEOUT_MS + Math.ceil(image.bytes.length / 262_144) * 1000,
    headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
    body: Buffer.from(await encoded.arrayBuffer()),
    ...(signal ? { signal } : {}),
  });
  let reply: z.infer<typeof uploadReplySchema> | undefined;
  try {
    reply = uploadReplySchema.safeParse(response.json()).data;
  } catch {
    reply = undefined;
  }
  if (!reply) {
    const detail = redact(excerpt(response.text()));
    throw new ServiceError(
      `${label} answered the upload of an input image with something that is not ComfyUI's reply (${detail || 'empty'}).`,
      response.status,
      detail,
    ).withCode('input-upload-reply', { service: http.serviceName() });
  }
  return {
    value: reply.subfolder ? `${reply.subfolder}/${reply.name}` : reply.name,
    name: reply.name,
    subfolder: reply.subfolder,
    reused: false,
  };
}
