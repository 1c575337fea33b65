// The Queue row's picture: a job's first kept image, or its first PreviewImage output while it has none; previews are
// counted until kept, and a deleted picture leaves the row instead of showing broken.
import { describe, expect, it } from 'vitest';
import type { GalleryImage } from '../../../preload/schemas/gallery';
import { QueueStore } from '../../../renderer/pages/queue/queue-store';

function image(id: number, extra: Partial<GalleryImage> = {}): GalleryImage {
  return {
    id,
    state: 'fetched',
    error: null,
    serviceId: 's',
    jobId: 'job-1',
    batchId: 'b',
    workflowId: null,
    filename: `f${id}.png`,
    subfolder: '',
    media: 'image',
    mime: 'image/png',
    animated: false,
    width: 8,
    height: 8,
    size: 10,
    createdAt: id,
    favorite: false,
    external: false,
    positive: null,
    seed: null,
    url: `media/${id}/original`,
    thumbUrl: `media/${id}/thumb256`,
    previewUrl: `media/${id}/thumb768`,
    ...extra,
  };
}

describe('Queue row pictures', () => {
  it('shows a preview until a kept image arrives, counts previews until kept, and drops a deleted one', () => {
    const store = new QueueStore();
    expect(store.takeImages([image(1, { preview: true }), image(2, { preview: true })])).toBe(true);
    expect(store.thumbs.get('job-1')).toMatchObject({ imageId: 1, preview: true });
    expect(store.previews.get('job-1')?.size).toBe(2);

    expect(store.takeImages([image(3)])).toBe(true);
    expect(store.thumbs.get('job-1')).toMatchObject({ imageId: 3, preview: false });
    expect(store.takeImages([image(4)])).toBe(false);
    expect(store.thumbs.get('job-1')?.imageId).toBe(3);

    // Kept: announced again without the flag.
    expect(store.takeImages([image(1)])).toBe(true);
    expect([...(store.previews.get('job-1') ?? [])]).toEqual([2]);
    // Deleted a day on: no longer waiting to be kept.
    expect(store.takeImages([image(2, { preview: true, state: 'removed', thumbUrl: null })])).toBe(true);
    expect(store.previews.has('job-1')).toBe(false);
    expect(store.takeImages([image(3, { state: 'removed', thumbUrl: null })])).toBe(true);
    expect(store.thumbs.has('job-1')).toBe(false);
  });

  it('plays a video job’s file in its row, as it has no thumbnail', () => {
    const store = new QueueStore();
    const clip = image(9, { media: 'video', mime: 'video/webm', thumbUrl: null, previewUrl: null });
    expect(store.takeImages([clip])).toBe(true);
    expect(store.thumbs.get('job-1')).toEqual({ url: 'media/9/original', imageId: 9, preview: false, video: true });
    // Not downloaded yet: nothing to play.
    const other = new QueueStore();
    expect(other.takeImages([{ ...clip, state: 'pending', url: null }])).toBe(false);
  });
});
