// The services contract through dispatchCall: records, secrets kept in main, the vault's refusals.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../preload/contract';
import { maskSecret, redact } from '../../../main/log/redact';
import { openStudio, type TestStudio } from './studio-harness';

const TOKEN = 'tok-QUEUE-c2VjcmV0LXRva2VuLXZhbHVl';
const TOKEN_2 = 'tok-EXCL-bm90LWEtcmVhbC10b2tlbg';
const OSS_SECRET = 'oss-SECRET-ZmFrZS1hY2Nlc3Mta2V5';
const STS = 'sts-TOKEN-c3RzLXNlY3VyaXR5LXRva2Vu';
const SHARED_SECRET = 'shared-SECRET-c2hhcmVkLWtleQ';
const CONTROL_SECRET = 'ctl-SECRET-Y29udHJvbC1rZXktdmFsdWU';
const CONTROL_STS = 'ctl-STS-Y29udHJvbC1zdHMtdG9rZW4';
const SECRETS = [TOKEN, TOKEN_2, OSS_SECRET, STS, SHARED_SECRET, CONTROL_SECRET, CONTROL_STS];

const QUEUE_URL = 'https://1234567890.cn-shanghai.pai-eas.aliyuncs.com/api/predict/sd_api';
const EXCLUSIVE_URL = 'https://comfy.1234567890.cn-shanghai.pai-eas.aliyuncs.com/';

let open: TestStudio[] = [];
function studio(options: Parameters<typeof openStudio>[0] = {}): TestStudio {
  const opened = openStudio(options);
  open.push(opened);
  return opened;
}
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

type Dto = MethodResult<'services.create'>;

describe('service records through the contract', () => {
  it('creates an API-edition service with fields derived from the URL and a stable consumer uid', async () => {
    const s = studio();
    const created = await s.call('services.create', { name: 'SD', url: `${QUEUE_URL}/`, token: TOKEN });
    expect(created).toMatchObject({
      edition: 'queue',
      name: 'SD',
      url: QUEUE_URL,
      hasToken: true,
      tokenHint: maskSecret(TOKEN),
      queue: {
        endpoint: 'https://1234567890.cn-shanghai.pai-eas.aliyuncs.com',
        serviceName: 'sd_api',
        sink: 'sd_api/sink',
        foreignResults: 'adopt',
      },
    });
    expect(created.queue?.consumerUid).toMatch(/^[0-9a-f-]{36}$/);
    const updated = await s.call('services.update', { id: created.id, name: 'SD prod' });
    expect(updated.queue?.consumerUid).toBe(created.queue?.consumerUid);
    expect(await s.call('services.list')).toEqual([updated]);
  });

  it('creates an Exclusive-edition service whose URL keeps one trailing slash', async () => {
    const s = studio();
    const created = await s.call('services.create', { name: 'Comfy', url: EXCLUSIVE_URL.slice(0, -1) });
    expect(created).toMatchObject({ edition: 'exclusive', url: EXCLUSIVE_URL, hasToken: false });
    expect(created.queue).toBeUndefined();
  });

  it('re-derives the service name when the URL changes, unless the user edited it', async () => {
    const s = studio();
    const created = await s.call('services.create', { name: 'SD', url: QUEUE_URL });
    const moved = await s.call('services.update', { id: created.id, url: QUEUE_URL.replace('sd_api', 'sd_v2') });
    expect(moved.queue?.serviceName).toBe('sd_v2');
    const edited = await s.call('services.update', { id: created.id, queue: { serviceName: 'custom' } });
    expect(edited.queue?.serviceName).toBe('custom');
    const movedAgain = await s.call('services.update', { id: created.id, url: QUEUE_URL.replace('sd_api', 'sd_v3') });
    expect(movedAgain.queue?.serviceName).toBe('custom');
  });

  it('keeps, replaces and removes a token as the update says', async () => {
    const s = studio();
    const { id } = await s.call('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN });
    expect(await s.call('services.update', { id, name: 'x' })).toMatchObject({ hasToken: true });
    expect(await s.call('services.update', { id, token: TOKEN_2 })).toMatchObject({ tokenHint: maskSecret(TOKEN_2) });
    const removed = await s.call('services.update', { id, token: null });
    expect(removed.hasToken).toBe(false);
    expect(removed.tokenHint).toBeUndefined();
  });

  it('duplicates with a new id and consumer uid, the token copied sealed', async () => {
    const s = studio();
    const original = await s.call('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN });
    const copy = await s.call('services.duplicate', { id: original.id });
    expect(copy).toMatchObject({ name: 'SD (copy)', hasToken: true, tokenHint: original.tokenHint });
    expect(copy.id).not.toBe(original.id);
    expect(copy.queue?.consumerUid).not.toBe(original.queue?.consumerUid);
  });

  it('deletes a service and its secrets', async () => {
    const s = studio();
    const { id } = await s.call('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN });
    await s.call('services.delete', { id });
    expect(await s.call('services.list')).toEqual([]);
    expect(readFileSync(s.store.path, 'utf8')).not.toContain(id);
    expect(await s.fail('services.get', { id })).toMatchObject({ kind: 'not_found' });
  });

  it('stores per-service OSS credentials sealed and shows only hints', async () => {
    const s = studio();
    const created = await s.call('services.create', {
      name: 'SD',
      url: QUEUE_URL,
      oss: {
        location: 'oss://my-bucket/data-abc',
        region: 'cn-shanghai',
        credentials: 'own',
        accessKeyId: 'LTAI5tExample',
        accessKeySecret: OSS_SECRET,
        securityToken: STS,
      },
    });
    expect(created.oss).toEqual({
      location: 'oss://my-bucket/data-abc/',
      bucket: 'my-bucket',
      prefix: 'data-abc/',
      region: 'cn-shanghai',
      credentials: 'own',
      accessKeyId: 'LTAI5tExample',
      hasSecret: true,
      secretHint: maskSecret(OSS_SECRET),
      hasSecurityToken: true,
    });
  });

  it('uses the shared OSS credentials when a service asks for them', async () => {
    const s = studio();
    await s.call('services.sharedOss.set', { accessKeyId: 'LTAI5tShared', accessKeySecret: SHARED_SECRET });
    const created = await s.call('services.create', {
      name: 'SD',
      url: QUEUE_URL,
      oss: { location: 'oss://my-bucket/p/', region: 'cn-shanghai', credentials: 'shared' },
    });
    expect(created.oss).toMatchObject({
      credentials: 'shared',
      hasSecret: true,
      secretHint: maskSecret(SHARED_SECRET),
    });
    expect(await s.call('services.sharedOss.get')).toEqual({
      accessKeyId: 'LTAI5tShared',
      hasSecret: true,
      secretHint: maskSecret(SHARED_SECRET),
      hasSecurityToken: false,
    });
  });

  it('stores a control AccessKey of its own sealed, and names the EAS service the URL says', async () => {
    const s = studio();
    const created = await s.call('services.create', {
      name: 'SD',
      url: QUEUE_URL,
      control: {
        credentials: 'own',
        accessKeyId: 'LTAI5tControl',
        accessKeySecret: CONTROL_SECRET,
        securityToken: CONTROL_STS,
      },
    });
    expect(created.control).toEqual({
      credentials: 'own',
      accessKeyId: 'LTAI5tControl',
      hasSecret: true,
      secretHint: maskSecret(CONTROL_SECRET),
      hasSecurityToken: true,
      target: { region: 'cn-shanghai', serviceName: 'sd_api' },
      configured: true,
    });
    const copy = await s.call('services.duplicate', { id: created.id });
    expect(copy.control).toMatchObject({ hasSecret: true, secretHint: maskSecret(CONTROL_SECRET) });
  });

  it('uses the OSS AccessKey for control when asked, and drops a control key of its own', async () => {
    const s = studio();
    const created = await s.call('services.create', {
      name: 'SD',
      url: QUEUE_URL,
      oss: {
        location: 'oss://my-bucket/p/',
        region: 'cn-shanghai',
        credentials: 'own',
        accessKeyId: 'LTAI5tOss',
        accessKeySecret: OSS_SECRET,
      },
      control: { credentials: 'own', accessKeyId: 'LTAI5tControl', accessKeySecret: CONTROL_SECRET },
    });
    const same = await s.call('services.update', { id: created.id, control: { credentials: 'oss' } });
    expect(same.control).toEqual({
      credentials: 'oss',
      hasSecret: true,
      secretHint: maskSecret(OSS_SECRET),
      hasSecurityToken: false,
      target: { region: 'cn-shanghai', serviceName: 'sd_api' },
      configured: true,
    });
    // Back to `own` without a secret: the earlier control secret was dropped, not revived.
    const own = await s.call('services.update', {
      id: created.id,
      control: { credentials: 'own', accessKeyId: 'LTAI5tControl' },
    });
    expect(own.control).toMatchObject({ hasSecret: false, configured: false });
    const none = await s.call('services.update', { id: created.id, control: null });
    expect(none.control).toBeUndefined();
  });

  it('takes the region and EAS service name from the record when the URL does not say them', async () => {
    const s = studio();
    const local = await s.call('services.create', {
      name: 'Local',
      url: 'http://127.0.0.1:8188/',
      control: { credentials: 'own', accessKeyId: 'LTAI5tControl', accessKeySecret: CONTROL_SECRET },
    });
    expect(local.control).toMatchObject({ configured: false });
    expect(local.control?.target).toBeUndefined();
    const named = await s.call('services.update', {
      id: local.id,
      control: {
        credentials: 'own',
        accessKeyId: 'LTAI5tControl',
        region: 'cn-hangzhou',
        serviceName: 'ai4d_comfyui_1',
      },
    });
    expect(named.control).toMatchObject({
      region: 'cn-hangzhou',
      serviceName: 'ai4d_comfyui_1',
      target: { region: 'cn-hangzhou', serviceName: 'ai4d_comfyui_1' },
      hasSecret: true,
      configured: true,
    });
    const refused = await s.fail('services.update', {
      id: local.id,
      control: { credentials: 'own', region: 'Shanghai!' },
    });
    expect(refused.kind).toBe('bad_request');
  });

  it('refuses a malformed URL or OSS location, naming the field', async () => {
    const s = studio();
    expect(await s.fail('services.create', { name: 'x', url: 'not a url' })).toMatchObject({ kind: 'validation' });
    expect(
      await s.fail('services.create', {
        name: 'x',
        url: QUEUE_URL,
        oss: { location: 's3://b/', region: 'r', credentials: 'shared' },
      }),
    ).toMatchObject({ kind: 'validation', input: 'oss.location' });
    expect(await s.fail('services.create', { name: 'x', url: 'https://h/', edition: 'queue' })).toMatchObject({
      kind: 'validation',
      message: expect.stringContaining('/api/predict/') as unknown,
      code: 'queue-url-shape',
    });
    // A storage path without its region is kept (the keys may not be at hand): the service needs OSS until it has it.
    expect(
      await s.call('services.create', {
        name: 'x',
        url: QUEUE_URL,
        oss: { location: 'oss://my-bucket/p/', credentials: 'shared' },
      }),
    ).toMatchObject({ needsOss: true });
  });

  it('emits services.changed with the list after every change', async () => {
    const s = studio();
    const created = await s.call('services.create', { name: 'SD', url: QUEUE_URL });
    const events = s.crossed.filter((item) => (item as { event?: string }).event === 'services.changed');
    expect(events).toEqual([{ event: 'services.changed', payload: [created] }]);
  });
});

describe('pasted call information', () => {
  it('answers a draft without the token, and the token is used by draft id', async () => {
    const s = studio();
    const draft = await s.call('services.parseCallInfo', { text: `请求URL：${QUEUE_URL}\nToken：${TOKEN}` });
    expect(draft).toMatchObject({ edition: 'queue', url: QUEUE_URL, hasToken: true, tokenHint: maskSecret(TOKEN) });
    expect(JSON.stringify(draft)).not.toContain(TOKEN);
    const created: Dto = await s.call('services.create', {
      name: draft.name ?? 'x',
      url: draft.url ?? '',
      tokenFromDraft: draft.draftId,
    });
    expect(created).toMatchObject({ hasToken: true, tokenHint: maskSecret(TOKEN) });
  });

  it('offers https when the pasted token would travel over plain http to a remote host', async () => {
    const s = studio();
    const plain = QUEUE_URL.replace('https://', 'http://');
    const draft = await s.call('services.parseCallInfo', { text: `URL: ${plain}\nToken: ${TOKEN}` });
    expect(draft.suggestedUrl).toBe(QUEUE_URL);
    expect(draft.notes.map((note) => note.message).join(' ')).toContain('unencrypted');
    expect(draft.notes.at(-1)).toMatchObject({ code: 'plain-http', params: { host: new URL(QUEUE_URL).hostname } });
    const local = await s.call('services.parseCallInfo', { text: `http://127.0.0.1:8188\n${TOKEN}` });
    expect(local.suggestedUrl).toBeUndefined();
  });

  it('says to paste again when a draft id is unknown', async () => {
    const s = studio();
    expect(await s.fail('services.create', { name: 'x', url: QUEUE_URL, tokenFromDraft: 'gone' })).toMatchObject({
      kind: 'bad_request',
      message: expect.stringContaining('Paste the call information again') as unknown,
      code: 'draft-token-expired',
    });
  });
});

describe('the vault', () => {
  it('refuses to store a secret when no keychain is available, and says why', async () => {
    const s = studio({ strength: 'unavailable' });
    const error = await s.fail('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN });
    expect(error).toMatchObject({
      kind: 'storage',
      message: expect.stringContaining('keychain') as unknown,
      code: 'vault-keychain-unavailable',
    });
    expect(await s.call('services.list')).toEqual([]);
    expect(await s.call('vault.status')).toMatchObject({
      strength: 'unavailable',
      canStoreSecrets: false,
      reasonCode: 'vault-keychain-unavailable',
    });
    // A local ComfyUI needs no secret, so it can still be added.
    expect(await s.call('services.create', { name: 'Local', url: 'http://127.0.0.1:8188' })).toMatchObject({
      hasToken: false,
    });
  });

  it('stores secrets in the weak mode only after the user accepts it', async () => {
    const s = studio({ strength: 'weak' });
    expect(await s.call('vault.status')).toMatchObject({
      strength: 'weak',
      acceptedWeak: false,
      canStoreSecrets: false,
    });
    expect(await s.fail('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN })).toMatchObject({
      kind: 'storage',
      message: expect.stringContaining('accept the weaker protection') as unknown,
    });
    expect(await s.call('vault.acceptWeak')).toMatchObject({ acceptedWeak: true, canStoreSecrets: true });
    expect(await s.call('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN })).toMatchObject({
      hasToken: true,
    });
  });

  it('has nothing to accept when the keychain protects secrets', async () => {
    const s = studio();
    expect(await s.fail('vault.acceptWeak')).toMatchObject({ kind: 'bad_request' });
    expect(await s.call('vault.status')).toMatchObject({ strength: 'key-file', canStoreSecrets: true });
  });

  it('never lets a stored secret cross the contract, in any reply, error or event', async () => {
    const s = studio();
    await s.call('services.sharedOss.set', { accessKeyId: 'LTAI5tShared', accessKeySecret: SHARED_SECRET });
    const draft = await s.call('services.parseCallInfo', { text: `URL: ${QUEUE_URL}\nToken: ${TOKEN}` });
    const queue = await s.call('services.create', {
      name: 'Q',
      url: QUEUE_URL,
      tokenFromDraft: draft.draftId,
      oss: {
        location: 'oss://b-1/p/',
        region: 'cn-shanghai',
        credentials: 'own',
        accessKeyId: 'LTAI5tOwn',
        accessKeySecret: OSS_SECRET,
        securityToken: STS,
      },
      control: {
        credentials: 'own',
        accessKeyId: 'LTAI5tCtl',
        accessKeySecret: CONTROL_SECRET,
        securityToken: CONTROL_STS,
      },
    });
    const exclusive = await s.call('services.create', { name: 'E', url: EXCLUSIVE_URL, token: TOKEN_2 });
    await s.call('services.duplicate', { id: queue.id });
    await s.call('services.update', { id: exclusive.id, name: 'E2' });
    await s.call('services.get', { id: queue.id });
    await s.call('services.list');
    await s.call('services.sharedOss.get');
    await s.call('vault.status');
    await s.fail('services.create', { name: 'x', url: `${QUEUE_URL}?token=${TOKEN}`, edition: 'exclusive', oss: 1 });
    await s.fail('services.update', { id: 'nope', token: TOKEN });
    const everything = JSON.stringify(s.crossed);
    expect(s.crossed.length).toBeGreaterThan(10);
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });

  it('keeps no secret in plain text in the store file on disk', async () => {
    const s = studio();
    await s.call('services.sharedOss.set', { accessKeyId: 'LTAI5tShared', accessKeySecret: SHARED_SECRET });
    await s.call('services.create', {
      name: 'Q',
      url: QUEUE_URL,
      token: TOKEN,
      oss: {
        location: 'oss://b-1/p/',
        region: 'r',
        credentials: 'own',
        accessKeyId: 'k',
        accessKeySecret: OSS_SECRET,
        securityToken: STS,
      },
    });
    await s.call('services.create', { name: 'E', url: EXCLUSIVE_URL, token: TOKEN_2 });
    const onDisk = readFileSync(s.store.path, 'utf8');
    expect(onDisk).toContain('"vault"');
    for (const secret of SECRETS) {
      expect(onDisk).not.toContain(secret);
      expect(onDisk).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });

  it('reads its secrets back after a restart, with the same key file', async () => {
    const first = openStudio({ keepDir: true });
    const created = await first.call('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN });
    await first.close();
    const second = studio({ dir: first.dir });
    expect(await second.call('services.get', { id: created.id })).toMatchObject({ hasToken: true });
  });

  it('registers every secret it stores with the log redactor', async () => {
    const s = studio();
    await s.call('services.create', { name: 'SD', url: QUEUE_URL, token: TOKEN });
    expect(redact(`request with ${TOKEN} failed`)).toBe('request with [redacted] failed');
  });
});
