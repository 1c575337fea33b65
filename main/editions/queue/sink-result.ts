// A sink frame as an EditionResult: the files and failure read by comfy/outputs (both data shapes), the frame's own
// `message` as the failure when no file came back, and output names a hostile service could abuse refused here.
import { parseSinkData, type ResultOptions } from '../../comfy/outputs';
import { partitionOutputNames } from '../../comfy/output-names';
import { excerpt } from '../../errors';
import { redact } from '../../log/redact';
import { editionOutputFile, type EditionOutputFile, type EditionResult } from '../edition';
import type { WatchedFrame } from './sink-watcher';

export function resultFromFrame(frame: WatchedFrame, options: ResultOptions = {}): EditionResult {
  const identity = frame.taskId ?? `sink-${frame.index}`;
  const message = frame.message.trim();
  const parsed = parseSinkData(frame.data, options);
  const { safe, refused } = partitionOutputNames(parsed.files);
  const outputs: EditionOutputFile[] = safe.map(editionOutputFile);
  const reported = message ? redact(`The service reported: ${excerpt(message, 500)}`) : undefined;
  let error: string | undefined;
  if (frame.data.length === 0 && reported) error = reported;
  else if (parsed.status !== 'success') error = parsed.error;
  else if (outputs.length === 0 && !parsed.texts && reported) error = reported;
  else if (outputs.length === 0 && refused[0] !== undefined) error = refused[0];
  // An empty success with an empty message is a job that saved nothing: not a failure of the service.
  return {
    identity,
    outputs,
    external: frame.external,
    sinkIndex: frame.index,
    ...(error !== undefined ? { error } : {}),
    ...(parsed.texts ? { texts: parsed.texts } : {}),
  };
}
