// The app's own ProgressSocket on a client id of the test's choosing, recording every text frame: what ComfyUI sends
// to one socket, in order.
import { randomUUID } from 'node:crypto';
import { ProgressSocket, type WsFrame } from '../../../main/editions/exclusive/progress-socket';

export interface FrameRecorder {
  clientId: string;
  frames: WsFrame[];
  /** Resolves with the first `status` frame, which ComfyUI sends once the socket is registered under its client id. */
  live: Promise<void>;
  /** Resolves when `executing` with `node: null` arrives for that prompt: ComfyUI's last frame of a run. */
  finished(promptId: string): Promise<void>;
  close(): Promise<void>;
}

function promptIdOf(frame: WsFrame): string | undefined {
  const data = frame.data as { prompt_id?: unknown } | null;
  return typeof data?.prompt_id === 'string' ? data.prompt_id : undefined;
}

export function isRunEnd(frame: WsFrame, promptId: string): boolean {
  return (
    frame.type === 'executing' && promptIdOf(frame) === promptId && (frame.data as { node?: unknown }).node === null
  );
}

/** The frames about one prompt, as `type` or `type:node` for the per-node ones. */
export function framesOf(frames: WsFrame[], promptId: string): string[] {
  return frames
    .filter((frame) => promptIdOf(frame) === promptId)
    .map((frame) => {
      const node = (frame.data as { node?: unknown }).node;
      return typeof node === 'string' ? `${frame.type}:${node}` : frame.type;
    });
}

export function recordFrames(serviceUrl: string, clientId: string = randomUUID()): FrameRecorder {
  const frames: WsFrame[] = [];
  const waiters: { promptId: string; resolve: () => void }[] = [];
  let opened: () => void = () => undefined;
  const live = new Promise<void>((resolve) => (opened = resolve));
  const url = new URL(`ws?clientId=${encodeURIComponent(clientId)}`, serviceUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new ProgressSocket({
    url,
    headers: {},
    label: 'the peer ComfyUI',
    onFrame: (frame) => {
      frames.push(frame);
      if (frame.type === 'status') opened();
      for (const waiter of waiters.filter((w) => isRunEnd(frame, w.promptId))) waiter.resolve();
    },
    onState: () => undefined,
  });
  socket.start();
  return {
    clientId,
    frames,
    live,
    finished: (promptId) =>
      frames.some((frame) => isRunEnd(frame, promptId))
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ promptId, resolve })),
    close: () => socket.close(),
  };
}
