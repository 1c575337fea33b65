// The contract between the simulated ComfyUI engine (validation + execution, used by both editions) and the servers
// that host it. Shapes follow reference/comfyui-api.md.

export type Link = [string, number];
export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}
export type ApiPrompt = Record<string, ApiNode>;

export interface OutputFile {
  filename: string;
  subfolder: string;
  type: 'output' | 'temp';
}

/** node id → that node's outputs, as in /history and in `executed` events: `{images: [...]}`, `{gifs: [...]}`, … */
export type NodeOutputs = Record<string, Record<string, unknown[]>>;

/** A websocket message as ComfyUI sends it: `{type, data}`. */
export interface ComfyEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface NodeErrorItem {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

/** The JSON body of a 400 from POST /prompt. */
export interface PromptErrorBody {
  error: NodeErrorItem;
  node_errors: Record<string, { errors: NodeErrorItem[]; dependent_outputs: string[]; class_type: string }>;
}

/** Valid when at least one output node is: the others are dropped and described in `nodeErrors`. */
export type PromptValidation =
  | { ok: true; outputNodes: string[]; nodeErrors: PromptErrorBody['node_errors'] }
  | { ok: false; body: PromptErrorBody };

export interface RunOptions {
  promptId: string;
  prompt: ApiPrompt;
  /** The nodes to execute (from validation). */
  outputNodes: string[];
  /** Keys of extra_data.extra_pnginfo, written as PNG tEXt chunks beside `prompt`. */
  extraPngInfo?: Record<string, unknown>;
  stepMs: number;
  signal: AbortSignal;
  /** Receives every websocket event of this run, in ComfyUI's order (without the final `executing null`). */
  emit(event: ComfyEvent): void;
  /** Stores an output file (both editions write into the OSS mount; the Exclusive server also serves it by /view). */
  writeFile(file: OutputFile, bytes: Buffer): Promise<void>;
  /**
   * Reads an input image (`name` or `subfolder/name`) from the host's input folder, or undefined when it has none.
   * Without it, LoadImage draws its picture from the name alone.
   */
  readInput?: (name: string) => Buffer | undefined;
  /** Picks the file name for one image of a save node: the editions name files differently. */
  nameFile(filenamePrefix: string, index: number, extension: string): { filename: string; subfolder: string };
}

export type RunResult =
  | { status: 'success'; outputs: NodeOutputs }
  | { status: 'error'; outputs: NodeOutputs; error: ComfyEvent }
  | { status: 'interrupted'; outputs: NodeOutputs; event: ComfyEvent };
