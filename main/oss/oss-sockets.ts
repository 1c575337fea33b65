// Keep-alive sockets to OSS: idle ones closed before a server closes them, and the one failure a reused socket causes
// that is safe to send again. Used by the OSS image source's agents.
import type { Agent as HttpAgent, ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Below every server idle timeout we meet, so that we, not the server, close an idle socket. */
export const IDLE_SOCKET_TIMEOUT_MS = 4_000;

type SocketPool = Pick<HttpAgent, 'keepSocketAlive' | 'reuseSocket'>;

/**
 * Node's agents keep idle sockets without a limit unless the server hints one (OSS does not): a socket the server has
 * closed meanwhile fails with ECONNRESET when reused. A free socket gets its own idle timeout (the agent destroys a
 * free socket that times out); a reused one loses it again so a slow download is not cut.
 */
export function closeIdleSockets<T extends HttpAgent>(agent: T, idleMs: number): T {
  const pool: SocketPool = agent;
  const keep = pool.keepSocketAlive.bind(agent);
  const reuse = pool.reuseSocket.bind(agent);
  // The agents' sockets are net.Sockets (TLS ones too); the typings say Duplex.
  pool.keepSocketAlive = (socket: Duplex): boolean => {
    // Node's own keepSocketAlive returns whether the socket may stay (false when a server hint is too short) and
    // sets the timeout a server's Keep-Alive hint asks for.
    const kept = (keep as (socket: Duplex) => boolean | undefined)(socket) !== false;
    const hinted = (socket as Socket).timeout ?? 0;
    if (kept) (socket as Socket).setTimeout(hinted > 0 ? Math.min(hinted, idleMs) : idleMs);
    return kept;
  };
  pool.reuseSocket = (socket: Duplex, request: ClientRequest): void => {
    (socket as Socket).setTimeout(0);
    reuse(socket, request);
  };
  return agent;
}

/**
 * urllib reports a reset as status -1 with `keepalive socket: true` in the message, and ali-oss keeps only the message
 * (the error code is replaced by urllib's error name): a request on a reused socket that the server closed as it was
 * reused. Nothing reached the server, so an idempotent request may be sent again.
 */
export function isStaleSocketReset(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, message } = error as { status?: unknown; message?: unknown };
  return (
    status === -1 &&
    typeof message === 'string' &&
    /keepalive socket: true/.test(message) &&
    /ECONNRESET|EPIPE|socket hang up/.test(message)
  );
}
