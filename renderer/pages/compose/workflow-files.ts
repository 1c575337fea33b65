// Reading an imported workflow in the renderer: JSON as text, a ComfyUI PNG as base64 (its `prompt` chunk is read
// by main). Both go through `workflows.import`, so the file never needs a path main could be tricked into opening.
import type { z } from 'zod';
import type { WorkflowImportSchema } from '../../../preload/schemas/jobs';

type WorkflowImport = z.input<typeof WorkflowImportSchema>;

function base64(bytes: Uint8Array): string {
  // btoa takes a binary string; built in slices so a large PNG does not overflow the argument list.
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

export async function workflowImportFromFile(file: File): Promise<WorkflowImport> {
  const name = file.name.replace(/\.(json|png)$/i, '');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (PNG_MAGIC.every((byte, index) => bytes[index] === byte)) return { name, pngBase64: base64(bytes) };
  return { name, json: new TextDecoder().decode(bytes) };
}

export const isPromptList = (file: File): boolean => /\.txt$/i.test(file.name) || file.type === 'text/plain';
