// "Paste call information": turns the text an artist copied from the ArtLab / EAS console (English, simplified or
// traditional Chinese labels, any order, `key: value`, `key value` or the value on the next line, or just a URL and a
// token) into a form draft (reference/artlab-api-edition.md, "Call information a user copies from the console").
// The API edition's OSS output location is read too when the paste has it: the storage path as the console shows it
// (`oss://bucket/path/`, or `bucket/path` after a storage-path label) and an OSS endpoint; the region is taken from
// the EAS host, since a service mounts a bucket of its own region.
import type { CallInfoNote, Edition } from '../../preload/schemas/services';
import { storagePathFromConsole } from '../oss/storage-path';
import { normaliseServiceUrl, parseLooseUrl, queueUrlParts, suggestName } from './service-url';

export interface ParsedCallInfo {
  edition?: Edition;
  url?: string;
  token?: string;
  endpoint?: string;
  serviceName?: string;
  sink?: string;
  name?: string;
  /** `oss://bucket/path/`, normalised from either console form. */
  ossLocation?: string;
  ossRegion?: string;
  ossEndpoint?: string;
  notes: CallInfoNote[];
}

const note = (code: CallInfoNote['code'], message: string, params: CallInfoNote['params'] = {}): CallInfoNote => ({
  code,
  params,
  message,
});

type Field = 'url' | 'vpcUrl' | 'token' | 'endpoint' | 'serviceId' | 'ossLocation' | 'ossEndpoint';

// Longest first, so "请求URL" wins over "URL" and "Service ID" over "Service".
const LABELS: [Field, string[]][] = [
  [
    'vpcUrl',
    [
      'vpc调用地址',
      'vpc調用地址',
      'vpc地址',
      'vpc url',
      'vpc endpoint url',
      '内网调用地址',
      '內網調用地址',
      '内网地址',
    ],
  ],
  [
    'url',
    [
      '公网输出请求地址',
      '公網輸出請求地址',
      '公网调用地址',
      '公網調用地址',
      '公网访问地址',
      '公網訪問地址',
      '公网地址',
      '公網地址',
      '请求url',
      '請求url',
      '请求地址',
      '請求地址',
      '调用地址',
      '調用地址',
      '访问地址',
      '訪問地址',
      '服务地址',
      '服務地址',
      'public endpoint url',
      'internet endpoint url',
      'request url',
      'service url',
      'endpoint url',
      'url',
      '地址',
    ],
  ],
  ['token', ['访问令牌', '訪問令牌', 'access token', 'authorization', 'token', '令牌']],
  ['endpoint', ['公网endpoint', '公網endpoint', '服务端点', '服務端點', 'endpoint', '端点', '端點']],
  [
    'serviceId',
    ['服务id', '服務id', 'service id', 'serviceid', 'service name', '服务名称', '服務名稱', '服务名', '服務名'],
  ],
  [
    'ossLocation',
    [
      'oss存储路径',
      'oss存儲路徑',
      'oss路径',
      'oss路徑',
      'oss地址',
      '存储路径',
      '存儲路徑',
      'oss storage path',
      'oss output location',
      'oss output',
      'oss path',
      'oss bucket',
      'storage path',
      'bucket',
    ],
  ],
  ['ossEndpoint', ['oss endpoint', 'oss域名', 'oss endpoint url']],
];

// Headings the console shows around the fields: recognised so they are not reported as unknown lines.
const HEADINGS = [
  /^(调用信息|調用資訊|調用信息|调用資訊|call information|invocation information|查看调用信息|查看調用資訊)$/i,
  /^(公网地址调用|公網地址調用|vpc地址调用|vpc地址調用|internet endpoint|vpc endpoint|public endpoint)$/i,
  /^(api版|api edition|独占版|獨佔版|exclusive edition|复制|複製|copy|显示|顯示|show|hide|隐藏|隱藏)$/i,
];

const SORTED_LABELS = LABELS.flatMap(([field, labels]) => labels.map((label) => ({ field, label }))).sort(
  (a, b) => b.label.length - a.label.length,
);

interface LabelMatch {
  field: Field;
  value: string;
}

function normaliseLine(line: string): string {
  return (
    line
      .replace(/[\u00a0\u3000\u200b\ufeff]/g, ' ')
      .replace(/：/g, ':')
      // Markdown tables and list bullets from chat apps.
      .replace(/^\s*(?:[-*•]\s+|\|)/, '')
      .replace(/\|\s*$/, '')
      .replace(/\s*\|\s*/g, ' ')
      .trim()
  );
}

function matchLabel(line: string): LabelMatch | undefined {
  const lower = line.toLowerCase();
  for (const { field, label } of SORTED_LABELS) {
    if (!lower.startsWith(label)) continue;
    const rest = line.slice(label.length);
    // A label ends at a separator or the end; "Tokenizer" or "urls" are not labels.
    const cjkLabel = label.charCodeAt(label.length - 1) > 127;
    if (rest !== '' && !/^\s*[:=]/.test(rest) && !/^\s/.test(rest) && !cjkLabel) continue;
    const value = rest
      .replace(/^\s*[:=]?\s*/, '')
      .trim()
      .replace(/^["'`]+|["'`,;]+$/g, '');
    return { field, value };
  }
  return undefined;
}

function looksLikeToken(text: string): boolean {
  // EAS tokens are base64-like, tens of characters; no spaces, not a URL or a host name.
  return /^[A-Za-z0-9+/=_-]{16,}$/.test(text) && !/^\d+$/.test(text);
}

/** An OSS endpoint (`oss-cn-shanghai.aliyuncs.com`, `-internal` too), with or without a scheme. */
const OSS_HOST = /^(?:https?:\/\/)?oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com\/?$/;

/** `<id>.cn-shanghai.pai-eas.aliyuncs.com` (and the Exclusive edition's `<service>.<id>.…`) → `cn-shanghai`. */
function easRegion(url: string): string | undefined {
  const host = parseLooseUrl(url)?.hostname ?? '';
  return /\.([a-z]{2}-[a-z0-9-]+)\.pai-eas\.aliyuncs\.com$/.exec(host)?.[1];
}

function looksLikeHost(text: string): boolean {
  // Lower case only: consoles print hosts in lower case, while a dotted token (JWT-like) has capitals and must not
  // be mistaken for an endpoint and echoed back.
  return /^(?:https?:\/\/)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?\/?$/.test(text) || /^[a-z0-9.-]+:\d+\/?$/.test(text);
}

export function parseCallInfo(text: string): ParsedCallInfo {
  const found: Partial<Record<Field, string>> = {};
  const notes: CallInfoNote[] = [];
  const lines = text
    .split(/\r\n|\r|\n/)
    .map(normaliseLine)
    .filter(Boolean);
  let pending: Field | undefined;
  const bareHosts: string[] = [];

  const assign = (asked: Field, value: string) => {
    // The console labels the OSS endpoint "Endpoint" too: its host says which it is.
    const field = asked === 'endpoint' && OSS_HOST.test(value) ? 'ossEndpoint' : asked;
    if (found[field] === undefined) found[field] = value;
    else if (found[field] !== value && field !== 'vpcUrl') {
      notes.push(note('second-value', `Found a second ${field} and kept the first.`, { field }));
    }
  };

  for (const [index, line] of lines.entries()) {
    if (HEADINGS.some((heading) => heading.test(line))) continue;
    const labelled = matchLabel(line);
    if (labelled) {
      if (labelled.value) assign(labelled.field, labelled.value);
      pending = labelled.value ? undefined : labelled.field;
      continue;
    }
    if (pending) {
      assign(pending, line.replace(/^["'`]+|["'`,;]+$/g, ''));
      pending = undefined;
      continue;
    }
    // Unlabelled: guess by shape. "Bearer x" is how other APIs show tokens; EAS wants it bare.
    const bare = line.replace(/^bearer\s+/i, '');
    if (/^oss:\/\//i.test(bare)) assign('ossLocation', bare);
    else if (OSS_HOST.test(bare)) assign('ossEndpoint', bare);
    else if (/^https?:\/\//i.test(bare) && parseLooseUrl(bare)) assign('url', bare);
    else if (found.url === undefined && queueUrlParts(bare)) assign('url', bare);
    else if (looksLikeHost(bare)) bareHosts.push(bare);
    else if (looksLikeToken(bare)) assign('token', bare);
    // The line is not quoted back: it might be a secret of a shape we do not recognise.
    else {
      notes.push(
        note('ignored-line', `Ignored line ${index + 1}: it does not look like a URL, token, endpoint or service ID.`, {
          line: index + 1,
        }),
      );
    }
  }
  // A bare host is the endpoint when a URL was found, or the URL itself (`127.0.0.1:8188`) when nothing else was.
  const [host] = bareHosts;
  if (host !== undefined) {
    if (found.url === undefined && found.vpcUrl === undefined && !(found.endpoint && found.serviceId)) found.url = host;
    else found.endpoint ??= host;
  }
  return build(found, notes);
}

function build(found: Partial<Record<Field, string>>, notes: CallInfoNote[]): ParsedCallInfo {
  const result: ParsedCallInfo = { notes };
  readOss(found, result);
  let token = found.token?.trim();
  if (token && /^bearer\s+/i.test(token)) {
    token = token.replace(/^bearer\s+/i, '');
    notes.push(note('bearer-removed', 'Removed “Bearer” from the token: EAS expects the token alone.'));
  }
  if (token) result.token = token;

  const serviceId = found.serviceId?.trim().replace(/\/sink\/?$/, '');
  let url = found.url ?? found.vpcUrl;
  if (!found.url && found.vpcUrl) {
    notes.push(note('vpc-only', 'Only a VPC address was found: it works only inside the Alibaba Cloud VPC.'));
  }
  if (!url && found.endpoint && serviceId) {
    const endpoint = parseLooseUrl(found.endpoint);
    if (endpoint) url = `${endpoint.protocol}//${endpoint.host}/api/predict/${serviceId}`;
  }
  if (!url) {
    notes.push(note('no-url', 'No service URL was found. Paste the call information that contains the URL.'));
    return result;
  }

  const queue = queueUrlParts(url);
  if (queue) {
    result.edition = 'queue';
    result.url = queue.url;
    result.endpoint = queue.endpoint;
    result.serviceName = queue.serviceName;
    if (found.endpoint) {
      const endpoint = parseLooseUrl(found.endpoint);
      // The console shows the endpoint without a scheme: take the URL's scheme.
      if (endpoint && endpoint.host !== new URL(queue.endpoint).host) {
        result.endpoint = `${new URL(queue.url).protocol}//${endpoint.host}`;
        notes.push(
          note(
            'endpoint-differs',
            'The endpoint differs from the URL’s host; the endpoint was kept for the result queue.',
          ),
        );
      }
    }
    if (serviceId && serviceId !== queue.serviceName) {
      result.serviceName = serviceId;
      notes.push(
        note(
          'service-id-differs',
          `The service ID “${serviceId}” differs from the URL’s “${queue.serviceName}”; the service ID was kept.`,
          { serviceId, urlName: queue.serviceName },
        ),
      );
    }
    result.sink = `${result.serviceName}/sink`;
    result.name = result.serviceName;
    // The API edition's results are on OSS: offer the region with or without a storage path in the paste.
    result.ossRegion ??= easRegion(result.url);
    return result;
  }

  const exclusive = normaliseServiceUrl(url, 'exclusive');
  if (!exclusive) {
    notes.push(note('url-unreadable', 'The URL could not be read. Check that it starts with http:// or https://.'));
    return result;
  }
  result.edition = 'exclusive';
  result.url = exclusive;
  if (result.ossLocation) result.ossRegion ??= easRegion(exclusive);
  const name = suggestName(exclusive);
  if (name) result.name = name;
  return result;
}

function readOss(found: Partial<Record<Field, string>>, result: ParsedCallInfo): void {
  if (found.ossLocation !== undefined) {
    const location = storagePathFromConsole(found.ossLocation);
    if (location) result.ossLocation = location;
    else {
      result.notes.push(
        note('oss-path-unreadable', 'The OSS storage path could not be read: it looks like oss://bucket/path/.'),
      );
    }
  }
  if (found.ossEndpoint !== undefined) {
    const endpoint = found.ossEndpoint.trim().replace(/\/+$/, '');
    result.ossEndpoint = endpoint;
    const region = OSS_HOST.exec(endpoint)?.[1];
    if (region) result.ossRegion = region;
  }
}
