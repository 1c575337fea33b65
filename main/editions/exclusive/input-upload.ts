// Input images for LoadImage-style nodes on the Exclusive edition: uploaded to ComfyUI's input folder under a name made
// of their content hash, so a batch that uses one image many times, or a rerun, sends its bytes once. ComfyUI's
// /upload/image without overwrite keeps an identical file's name and renames a different one (" (1)"); a hash name
// never meets a different file, and a file already there is found with /view before anything is sent.
import { z } from 'zod';
import { ServiceError, excerpt } from '../../errors';
import { redact } from '../../log/redact';
import type { HttpClient } from '../http';
import { checkInputImage, inputImageName, uploadTimeoutMs, type InputImage, type UploadedInput } from '../input-image';

export type { InputImage, UploadedInput };

const uploadReplySchema = z.object({
  name: z.string().min(1).max(255),
  subfolder: z.string().max(255),
  type: z.string(),
});

/** Whether ComfyUI's input folder holds a file of that name (only its first bytes are read). */
export async function hasInputImage(http: HttpClient, name: string, signal?: AbortSignal): Promise<boolean> {
  const existing = await http.request({
    path: 'view',
    query: { filename: name, type: 'input' },
    accept: [400, 403, 404],
    maxBytes: 1024,
    truncate: true,
    ...(signal ? { signal } : {}),
  });
  return existing.status === 200;
}

export async function uploadInputImage(
  http: HttpClient,
  label: string,
  image: InputImage,
  signal?: AbortSignal,
): Promise<UploadedInput> {
  checkInputImage(image);
  const name = inputImageName(image);
  if (await hasInputImage(http, name, signal)) return { value: name, name, subfolder: '', reused: true };

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
    timeoutMs: uploadTimeoutMs(image.bytes.length),
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
