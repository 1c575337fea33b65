import { describe, expect, it } from 'vitest';
import { parseCallInfo } from '../../../main/services/call-info-parser';

const TOKEN = 'ZTk4NjQ3YmNjMGQ4ODY5NjA0Yjc5MWVjZjZmZGQ4MzhhMzkwMTg2Mg==';
const QUEUE_URL = 'http://1234567890123456.cn-shanghai.pai-eas.aliyuncs.com/api/predict/comfyui_api';
const ENDPOINT_HOST = '1234567890123456.cn-shanghai.pai-eas.aliyuncs.com';
const EXCLUSIVE_URL = 'http://comfy_pro.1234567890123456.cn-hangzhou.pai-eas.aliyuncs.com/';

const queueDraft = {
  edition: 'queue',
  url: QUEUE_URL,
  endpoint: `http://${ENDPOINT_HOST}`,
  serviceName: 'comfyui_api',
  sink: 'comfyui_api/sink',
  name: 'comfyui_api',
  // A service mounts a bucket of its own region: the OSS region is offered from the EAS host.
  ossRegion: 'cn-shanghai',
  token: TOKEN,
};

describe('paste call information: API edition', () => {
  it('reads the English console panel with labels and colons', () => {
    const text = `Call Information\nURL: ${QUEUE_URL}\nToken: ${TOKEN}\nEndpoint: ${ENDPOINT_HOST}\nService ID: comfyui_api/sink`;
    expect(parseCallInfo(text)).toEqual({ ...queueDraft, notes: [] });
  });

  it('reads the simplified Chinese panel with full-width colons', () => {
    const text = `调用信息\n公网输出请求地址\n请求URL：${QUEUE_URL}\nToken：${TOKEN}\nEndpoint：${ENDPOINT_HOST}\n服务ID：comfyui_api/sink`;
    expect(parseCallInfo(text)).toEqual({ ...queueDraft, notes: [] });
  });

  it('reads the traditional Chinese panel', () => {
    const text = `調用資訊\n請求URL： ${QUEUE_URL}\nToken： ${TOKEN}\n服務ID： comfyui_api/sink`;
    expect(parseCallInfo(text)).toMatchObject({ ...queueDraft, notes: [] });
  });

  it('reads values on the line after their label, in any order, with extra whitespace', () => {
    const text = `\n\n  Token  \n\n   ${TOKEN}   \n\tEndpoint\n${ENDPOINT_HOST}\n\n  URL\n  ${QUEUE_URL}/  \n`;
    expect(parseCallInfo(text)).toMatchObject(queueDraft);
  });

  it('reads `key value` without a colon', () => {
    expect(parseCallInfo(`URL ${QUEUE_URL}\nToken ${TOKEN}`)).toMatchObject(queueDraft);
  });

  it('reads a markdown table copied through a chat app', () => {
    const text = `| 字段 | 值 |\n|---|---|\n| 请求URL | ${QUEUE_URL} |\n| Token | ${TOKEN} |`;
    const draft = parseCallInfo(text);
    expect(draft).toMatchObject(queueDraft);
  });

  it('takes just a URL and a token on two unlabelled lines', () => {
    expect(parseCallInfo(`${QUEUE_URL}\n${TOKEN}`)).toMatchObject(queueDraft);
    expect(parseCallInfo(`${TOKEN}\n${QUEUE_URL}`)).toMatchObject(queueDraft);
  });

  it('takes just a URL, with no token', () => {
    const draft = parseCallInfo(QUEUE_URL);
    expect(draft).toMatchObject({ edition: 'queue', url: QUEUE_URL, serviceName: 'comfyui_api' });
    expect(draft.token).toBeUndefined();
  });

  it('trims the trailing slash, the api_prompt suffix and a query from a queue URL', () => {
    expect(parseCallInfo(`${QUEUE_URL}/`).url).toBe(QUEUE_URL);
    expect(parseCallInfo(`${QUEUE_URL}/api_prompt?task_id=abc`).url).toBe(QUEUE_URL);
    expect(parseCallInfo(`${QUEUE_URL}/sink`).serviceName).toBe('comfyui_api');
  });

  it('keeps https and derives an https endpoint', () => {
    const secure = QUEUE_URL.replace('http://', 'https://');
    expect(parseCallInfo(`URL: ${secure}\nEndpoint: ${ENDPOINT_HOST}`)).toMatchObject({
      url: secure,
      endpoint: `https://${ENDPOINT_HOST}`,
    });
  });

  it('builds the URL from an endpoint and a service ID when no URL was pasted', () => {
    expect(parseCallInfo(`Endpoint: ${ENDPOINT_HOST}\nService ID: comfyui_api/sink\nToken: ${TOKEN}`)).toMatchObject(
      queueDraft,
    );
  });

  it('keeps the service ID and says so when it differs from the URL', () => {
    const draft = parseCallInfo(`URL: ${QUEUE_URL}\n服务ID: other_svc/sink`);
    expect(draft).toMatchObject({ serviceName: 'other_svc', sink: 'other_svc/sink' });
    expect(draft.notes.map((note) => note.message).join(' ')).toContain('other_svc');
  });

  it('strips a Bearer prefix and says why', () => {
    const draft = parseCallInfo(`URL: ${QUEUE_URL}\nToken: Bearer ${TOKEN}`);
    expect(draft.token).toBe(TOKEN);
    expect(draft.notes.map((note) => note.message).join(' ')).toContain('Bearer');
  });

  it('reads quoted values from a code snippet', () => {
    expect(parseCallInfo(`url = "${QUEUE_URL}"\ntoken = "${TOKEN}"`)).toMatchObject(queueDraft);
  });

  it('prefers the public URL over the VPC one', () => {
    const vpc = 'http://1234567890123456.vpc.cn-shanghai.pai-eas.aliyuncs.com/api/predict/comfyui_api';
    expect(parseCallInfo(`VPC调用地址: ${vpc}\n公网调用地址: ${QUEUE_URL}\nToken: ${TOKEN}`).url).toBe(QUEUE_URL);
  });

  it('uses a VPC URL when it is the only one, and warns', () => {
    const vpc = 'http://1234567890123456.vpc.cn-shanghai.pai-eas.aliyuncs.com/api/predict/comfyui_api';
    const draft = parseCallInfo(`VPC调用地址: ${vpc}`);
    expect(draft.url).toBe(vpc);
    expect(draft.notes.map((note) => note.message).join(' ')).toContain('VPC');
  });

  it('accepts a queue URL without a scheme', () => {
    expect(parseCallInfo(`${ENDPOINT_HOST}/api/predict/comfyui_api`).url).toBe(QUEUE_URL);
  });
});

describe('paste call information: Exclusive edition', () => {
  it('detects the Exclusive edition and keeps exactly one trailing slash', () => {
    expect(parseCallInfo(`URL: ${EXCLUSIVE_URL}\nToken: ${TOKEN}`)).toEqual({
      edition: 'exclusive',
      url: EXCLUSIVE_URL,
      token: TOKEN,
      name: 'comfy_pro',
      notes: [],
    });
    expect(parseCallInfo(EXCLUSIVE_URL.slice(0, -1)).url).toBe(EXCLUSIVE_URL);
    expect(parseCallInfo(`${EXCLUSIVE_URL}//`).url).toBe(EXCLUSIVE_URL);
  });

  it('reads the Chinese Exclusive panel (公网调用地址 + Token)', () => {
    expect(parseCallInfo(`调用信息\n公网调用地址\n${EXCLUSIVE_URL}\nToken\n${TOKEN}`)).toMatchObject({
      edition: 'exclusive',
      url: EXCLUSIVE_URL,
      token: TOKEN,
    });
  });

  it('takes a local ComfyUI address with no scheme and no token', () => {
    expect(parseCallInfo('127.0.0.1:8188')).toEqual({
      edition: 'exclusive',
      url: 'http://127.0.0.1:8188/',
      name: 'Local ComfyUI (127.0.0.1:8188)',
      notes: [],
    });
    expect(parseCallInfo('http://localhost:8188').url).toBe('http://localhost:8188/');
  });

  it('keeps a gateway path and drops a query', () => {
    expect(parseCallInfo('https://gw.example.com/comfy/?x=1').url).toBe('https://gw.example.com/comfy/');
  });
});

describe('paste call information: what it cannot read', () => {
  it('says when no URL was found, and still keeps a token', () => {
    const draft = parseCallInfo(`Token: ${TOKEN}`);
    expect(draft.url).toBeUndefined();
    expect(draft.token).toBe(TOKEN);
    expect(draft.notes.map((note) => note.message).join(' ')).toContain('No service URL');
  });

  it('notes lines it ignored instead of guessing', () => {
    const draft = parseCallInfo(`${QUEUE_URL}\nhello there, here is the service`);
    expect(draft.url).toBe(QUEUE_URL);
    expect(draft.notes.map((note) => note.message).join(' ')).toContain('Ignored');
  });

  it('does not take a word that merely starts like a label for a label', () => {
    expect(parseCallInfo(`${QUEUE_URL}\nTokenizer settings`).token).toBeUndefined();
  });

  it('returns an empty draft for empty text', () => {
    expect(parseCallInfo('   \n  ')).toMatchObject({
      notes: [{ code: 'no-url', params: {}, message: expect.stringContaining('No service URL') as unknown }],
    });
  });

  it('names each note by a code and its values, for the form to word in the artist’s language', () => {
    const draft = parseCallInfo(`${QUEUE_URL}
hello there
Service ID: other_svc
Token: Bearer ${TOKEN}`);
    expect(draft.notes.map(({ code, params }) => ({ code, params }))).toEqual([
      { code: 'ignored-line', params: { line: 2 } },
      { code: 'bearer-removed', params: {} },
      { code: 'service-id-differs', params: { serviceId: 'other_svc', urlName: 'comfyui_api' } },
    ]);
  });
});

describe('paste call information: more real-looking variants', () => {
  it('reads Windows line endings and tab-separated columns copied from a spreadsheet', () => {
    expect(parseCallInfo(`URL\t${QUEUE_URL}\r\nToken\t${TOKEN}\r\n`)).toMatchObject(queueDraft);
  });

  it('reads labels in upper or mixed case and with a space before the colon', () => {
    expect(parseCallInfo(`REQUEST URL : ${QUEUE_URL}\nTOKEN : ${TOKEN}`)).toMatchObject(queueDraft);
  });

  it('reads bullets and non-breaking spaces from a chat message', () => {
    expect(parseCallInfo(`• URL:\u00a0${QUEUE_URL}\n- Token:\u3000${TOKEN}`)).toMatchObject(queueDraft);
  });

  it('reads Chinese labels with a space instead of a colon', () => {
    expect(parseCallInfo(`公网调用地址 ${EXCLUSIVE_URL}\nToken ${TOKEN}`)).toMatchObject({
      edition: 'exclusive',
      url: EXCLUSIVE_URL,
      token: TOKEN,
    });
  });

  it('reads an https Exclusive URL with a port', () => {
    expect(parseCallInfo('https://comfy.example.com:8443').url).toBe('https://comfy.example.com:8443/');
  });

  it('reads an endpoint given with its scheme', () => {
    expect(parseCallInfo(`Endpoint: http://${ENDPOINT_HOST}\n服务ID: comfyui_api`)).toMatchObject({
      edition: 'queue',
      url: QUEUE_URL,
    });
  });

  it('never quotes an ignored line back, since it might be a secret', () => {
    const odd = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBcnRMYWIifQ.SflKxwRJSMeKKF2QT4fwpMeJf36';
    const draft = parseCallInfo(`${QUEUE_URL}\n${odd} extra`);
    expect(JSON.stringify(draft)).not.toContain(odd);
    expect(draft.notes.map((note) => note.message).join(' ')).toContain('Ignored line 2');
  });

  it('does not mistake a dotted token for an endpoint', () => {
    const dotted = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBcnRMYWIifQ.SflKxwRJSMeKKF2QT4fw';
    expect(parseCallInfo(`${QUEUE_URL}\n${dotted}`).endpoint).toBe(`http://${ENDPOINT_HOST}`);
  });

  it('reads the API-edition URL with a trailing api_prompt copied from the sample code', () => {
    expect(parseCallInfo(`url = "${QUEUE_URL}/api_prompt"\nheaders = {"Authorization": "${TOKEN}"}`)).toMatchObject({
      url: QUEUE_URL,
    });
  });
});

describe('paste call information: the OSS output location', () => {
  it('reads an unlabelled oss:// storage path beside the API edition’s call information', () => {
    const text = `URL: ${QUEUE_URL}\nToken: ${TOKEN}\noss://artlab-bucket/data-xyz/`;
    expect(parseCallInfo(text)).toMatchObject({
      edition: 'queue',
      ossLocation: 'oss://artlab-bucket/data-xyz/',
      ossRegion: 'cn-shanghai',
      notes: [],
    });
  });

  it('reads the console’s “bucket/path” display form after a storage-path label, in English or Chinese', () => {
    expect(parseCallInfo(`URL: ${QUEUE_URL}\nStorage path: artlab-bucket/data-xyz`)).toMatchObject({
      ossLocation: 'oss://artlab-bucket/data-xyz',
    });
    expect(parseCallInfo(`请求URL：${QUEUE_URL}\nOSS路径：oss://artlab-bucket/data-xyz/`)).toMatchObject({
      ossLocation: 'oss://artlab-bucket/data-xyz/',
    });
    expect(parseCallInfo(`URL: ${QUEUE_URL}\nBucket    oss://artlab-bucket/d/ (region cn-beijing)`)).toMatchObject({
      ossLocation: 'oss://artlab-bucket/d/',
    });
  });

  it('takes an OSS endpoint as OSS’s, not as the queue endpoint, and its region from it', () => {
    const text = `URL: ${QUEUE_URL}\nEndpoint: ${ENDPOINT_HOST}\nOSS endpoint: oss-cn-beijing-internal.aliyuncs.com\noss-cn-beijing.aliyuncs.com`;
    expect(parseCallInfo(text)).toMatchObject({
      endpoint: `http://${ENDPOINT_HOST}`,
      ossEndpoint: 'oss-cn-beijing-internal.aliyuncs.com',
      ossRegion: 'cn-beijing',
    });
    expect(parseCallInfo(`URL: ${QUEUE_URL}\nEndpoint: oss-cn-beijing.aliyuncs.com`)).toMatchObject({
      endpoint: `http://${ENDPOINT_HOST}`,
      ossEndpoint: 'oss-cn-beijing.aliyuncs.com',
    });
  });

  it('says so when a storage-path label holds something else, without quoting it', () => {
    const draft = parseCallInfo(`URL: ${QUEUE_URL}\nStorage path: /mnt/data`);
    expect(draft.ossLocation).toBeUndefined();
    expect(draft.notes).toEqual([
      {
        code: 'oss-path-unreadable',
        params: {},
        message: 'The OSS storage path could not be read: it looks like oss://bucket/path/.',
      },
    ]);
  });

  it('offers no OSS region for the Exclusive edition without a storage path', () => {
    expect(parseCallInfo(`URL: ${EXCLUSIVE_URL}\nToken: ${TOKEN}`).ossRegion).toBeUndefined();
    expect(parseCallInfo(`URL: ${EXCLUSIVE_URL}\noss://artlab-bucket/x/`)).toMatchObject({
      ossLocation: 'oss://artlab-bucket/x/',
      ossRegion: 'cn-hangzhou',
    });
  });
});
