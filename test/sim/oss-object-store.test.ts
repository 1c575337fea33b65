import { describe, expect, it } from 'vitest';
import { InvalidContinuationTokenError, ObjectStore } from './oss/object-store';

function storeWith(keys: string[]): ObjectStore {
  const store = new ObjectStore(() => Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  for (const key of keys) store.put(key, Buffer.from(key));
  return store;
}

describe('ObjectStore', () => {
  it('stores bytes with an OSS-style ETag, a guessed Content-Type and a second-precision date', () => {
    const store = storeWith([]);
    const meta = store.put('out/a.png', Buffer.from('hello'));
    expect(meta).toEqual({
      key: 'out/a.png',
      size: 5,
      contentType: 'image/png',
      etag: '"5D41402ABC4B2A76B9719D911017C592"',
      lastModified: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    });
    expect(store.get('out/a.png')?.bytes.toString()).toBe('hello');
    expect(store.head('missing')).toBeUndefined();
    expect(store.delete('out/a.png')).toBe(true);
    expect(store.get('out/a.png')).toBeUndefined();
  });

  it('lists keys in order and rolls up common prefixes at the delimiter', () => {
    const store = storeWith(['p/output/b.png', 'p/output/a.png', 'p/output/sub/c.png', 'p/input/x.png', 'q/z.png']);
    const page = store.list({ prefix: 'p/output/', delimiter: '/' });
    expect(page.contents.map((o) => o.key)).toEqual(['p/output/a.png', 'p/output/b.png']);
    expect(page.commonPrefixes).toEqual(['p/output/sub/']);
    expect([page.keyCount, page.isTruncated]).toEqual([3, false]);
    expect(store.list({ prefix: 'p/', delimiter: '/' }).commonPrefixes).toEqual(['p/input/', 'p/output/']);
  });

  it('pages through many keys with continuation tokens, never repeating or skipping one', () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `out/${String(i).padStart(5, '0')}.png`);
    const store = storeWith(keys);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = store.list({ prefix: 'out/', maxKeys: 1000, ...(token ? { continuationToken: token } : {}) });
      seen.push(...page.contents.map((o) => o.key));
      token = page.nextContinuationToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('refuses a token it did not issue', () => {
    expect(() => storeWith(['a']).list({ continuationToken: 'bm9wZQ' })).toThrow(InvalidContinuationTokenError);
  });

  it('tells subscribers about puts and deletes until they unsubscribe', () => {
    const store = storeWith([]);
    const events: string[] = [];
    const unsubscribe = store.subscribe((e) => events.push(`${e.type}:${e.key}`));
    store.put('a', Buffer.from('1'));
    store.delete('a');
    unsubscribe();
    store.put('b', Buffer.from('2'));
    expect(events).toEqual(['put:a', 'delete:a']);
  });
});
