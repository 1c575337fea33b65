// The Node side of the browser bridge, for specs that set up services and batches the way the pages would.
import WebSocket from 'ws';
import { z } from 'zod';

// `value` may be missing: a void method (services.delete, batches.pause…) replies with no value at all.
const replySchema = z.object({
  type: z.literal('reply'),
  id: z.number(),
  envelope: z.union([
    z.object({ ok: z.literal(true), value: z.unknown().optional() }),
    z.object({ ok: z.literal(false), error: z.object({ message: z.string() }) }),
  ]),
});
type Reply = z.infer<typeof replySchema>;

export class BridgeClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const parsed = replySchema.safeParse(JSON.parse(data.toString('utf8')));
      if (parsed.success) this.waiting.get(parsed.data.id)?.(parsed.data);
    });
  }

  static async connect(appUrl: string): Promise<BridgeClient> {
    const url = new URL(appUrl);
    const socket = new WebSocket(`ws://${url.host}${url.pathname.replace(/\/$/, '')}/ws`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new BridgeClient(socket);
  }

  async call(method: string, input: unknown = {}): Promise<unknown> {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => this.waiting.set(id, resolve));
    this.socket.send(JSON.stringify({ type: 'call', id, method, input }));
    const { envelope } = await reply;
    this.waiting.delete(id);
    if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
    return envelope.value;
  }

  close(): void {
    this.socket.close();
  }
}
