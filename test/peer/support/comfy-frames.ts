// What a real ComfyUI 0.3.65 sends to the submitting client's socket for the model-free workflows of peer-service.ts,
// as framesOf() lists it. The peer suite checks it against the real server and the simulator's tests against the
// simulator, so the two cannot drift apart.

/** EmptyImage (1) → ImageInvert (2) → SaveImage (3), nothing cached: a progress_state before each `executing` and
 * after each node, the output node's `executed` before its last progress_state, `executing` null last. */
export const FRESH_RUN_FRAMES = [
  'execution_start',
  'execution_cached',
  'progress_state',
  'executing:1',
  'progress_state',
  'progress_state',
  'executing:2',
  'progress_state',
  'progress_state',
  'executing:3',
  'executed:3',
  'progress_state',
  'execution_success',
  'executing',
];

/** The same prompt again, all of it cached: only the output node is visited, with its old files. */
export const CACHED_RUN_FRAMES = [
  'execution_start',
  'execution_cached',
  'executed:3',
  'progress_state',
  'execution_success',
  'executing',
];
