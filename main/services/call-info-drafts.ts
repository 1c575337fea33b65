// Tokens found by "paste call information", held in main under a short-lived draft id: the renderer gets the id and
// a masked hint, and `services.create` / `services.update` take the token by that id. Secrets never cross the
// contract outward, not even one the user just pasted (DESIGN.md rule 3).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../adapters';
import { BadRequestError } from '../errors';
import { registerSecret } from '../log/redact';

export const DRAFT_TTL_MS = 30 * 60_000;

export class CallInfoDrafts {
  private readonly drafts = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = DRAFT_TTL_MS,
  ) {}

  keep(token: string): string {
    this.prune();
    registerSecret(token);
    const id = randomUUID();
    this.drafts.set(id, { token, expiresAt: this.clock.now() + this.ttlMs });
    return id;
  }

  /** The token of a draft; the draft stays until it expires, so a failed save can be retried. */
  token(draftId: string): string {
    this.prune();
    const draft = this.drafts.get(draftId);
    if (!draft) {
      throw new BadRequestError(
        'The pasted token is no longer held (it expires after 30 minutes). Paste the call information again.',
      ).withCode('draft-token-expired');
    }
    return draft.token;
  }

  forget(draftId: string): void {
    this.drafts.delete(draftId);
  }

  close(): void {
    this.drafts.clear();
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [id, draft] of this.drafts) if (draft.expiresAt <= now) this.drafts.delete(id);
  }
}
