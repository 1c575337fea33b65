// Run as its own process by queue-close.test.ts: starts a sink watcher against the simulated queue server, handles a
// frame, closes both, and then does nothing — the process must exit by itself, which it only does when close() left
// no socket, timer or reconnect behind.
import { SinkWatcher } from '../../../main/editions/queue/sink-watcher';
import { EasQueueServer } from '../../sim/eas/server';
import { sinkClient } from './watch-rig';

const token = 'probe-token-123456';
const server = await EasQueueServer.start({ token, service: 'svc' });
const { http, sink } = sinkClient(`http://${server.endpoint}/api/predict/`, token);
const watcher = new SinkWatcher({ sink, onFrame: () => Promise.resolve(), pingIntervalMs: 50 });
const committed = new Promise<void>((resolve) => watcher.onCommit(() => resolve()));
watcher.start();
server.sink.put(Buffer.from('[]'), { task_id: 'probe' });
await committed;
await watcher.close();
await http.close();
await server.close();
process.stdout.write(`closed ${JSON.stringify(watcher.state)}\n`);
