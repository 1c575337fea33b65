// The price a service's cost estimate uses: stored on the record, kept across other edits, removed with null.
import { afterEach, describe, expect, it } from 'vitest';
import { openStudio, type TestStudio } from './studio-harness';

const QUEUE_URL = 'https://1234567890.cn-shanghai.pai-eas.aliyuncs.com/api/predict/sd_api';

let open: TestStudio[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

describe('service cost settings', () => {
  it('are saved, survive another edit, and go with null', async () => {
    const s = openStudio();
    open.push(s);
    const cost = {
      pricePerInstanceHour: 12.5,
      currency: 'CNY' as const,
      queueInstanceBilled: true,
      queuePricePerHour: 1.2,
    };
    const created = await s.call('services.create', { name: 'SD', url: QUEUE_URL, token: 'tok-abc', cost });
    expect(created.cost).toEqual(cost);
    const renamed = await s.call('services.update', { id: created.id, name: 'SD prod' });
    expect(renamed.cost).toEqual(cost);
    const cleared = await s.call('services.update', { id: created.id, cost: null });
    expect(cleared.cost).toBeUndefined();
    expect(await s.call('services.list')).toEqual([cleared]);
  });

  it('refuses a negative or non-numeric price and an unknown currency', async () => {
    const s = openStudio();
    open.push(s);
    const base = { name: 'SD', url: QUEUE_URL, token: 'tok-abc' };
    const bad = [
      { pricePerInstanceHour: -1, currency: 'CNY', queueInstanceBilled: false },
      { pricePerInstanceHour: 1, currency: 'EUR', queueInstanceBilled: false },
    ];
    for (const cost of bad) {
      await expect(s.call('services.create', { ...base, cost })).rejects.toThrow();
    }
  });
});
