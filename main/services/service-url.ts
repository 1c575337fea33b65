// What a service URL says about the service (reference/artlab-api-edition.md): `/api/predict/<service>` is the API
// edition (endpoint = scheme + host, sink = `<service>/sink`); anything else is an Exclusive-edition ComfyUI, whose
// URL keeps exactly one trailing slash because requests are built as `{url}prompt`.
import type { Edition } from '../../preload/schemas/services';

export interface QueueUrlParts {
  /** The API-edition URL without a trailing slash: `http://host/api/predict/<service>`. */
  url: string;
  endpoint: string;
  serviceName: string;
  sink: string;
}

/** Adds `http://` to a bare host, as the console shows endpoints without a scheme. Undefined if not a URL. */
export function parseLooseUrl(text: string): URL | undefined {
  const trimmed = text.trim().replace(/^["'<(]+|[>"')]+$/g, '');
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (!url.hostname) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** The API-edition parts of a URL, or undefined when the URL is not of that shape. */
export function queueUrlParts(text: string): QueueUrlParts | undefined {
  const url = parseLooseUrl(text);
  if (!url) return undefined;
  // `/api_prompt` and `/sink` are suffixes of the same service; a query (`?task_id=`) is not part of the address.
  const match = /^\/api\/predict\/([^/]+)(?:\/(?:api_prompt|sink))?\/*$/.exec(url.pathname);
  const service = match?.[1];
  if (!service) return undefined;
  const serviceName = decodeURIComponent(service);
  const endpoint = `${url.protocol}//${url.host}`;
  return { url: `${endpoint}/api/predict/${service}`, endpoint, serviceName, sink: `${serviceName}/sink` };
}

export function detectEdition(text: string): Edition | undefined {
  if (!parseLooseUrl(text)) return undefined;
  return queueUrlParts(text) ? 'queue' : 'exclusive';
}

/** The URL as stored: queue edition without a trailing slash, Exclusive edition with exactly one. */
export function normaliseServiceUrl(text: string, edition: Edition): string | undefined {
  if (edition === 'queue') return queueUrlParts(text)?.url;
  const url = parseLooseUrl(text);
  if (!url) return undefined;
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}/`;
}

/** A name to start with: the service name, or the first label of an EAS host, or the host. */
export function suggestName(text: string): string | undefined {
  const queue = queueUrlParts(text);
  if (queue) return queue.serviceName;
  const url = parseLooseUrl(text);
  if (!url) return undefined;
  const eas = /^([^.]+)\.[^.]+\.[^.]+\.pai-eas\.aliyuncs\.com$/.exec(url.hostname);
  if (eas?.[1]) return eas[1];
  if (isLoopbackHost(url.hostname)) return `Local ComfyUI (${url.host})`;
  return url.host;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** For a token sent over plain http to a remote host: the same URL with https, to offer instead. */
export function insecureTokenWarning(text: string): { warning: string; suggestedUrl: string } | undefined {
  const url = parseLooseUrl(text);
  if (!url || url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
  return {
    warning: `The token is sent unencrypted over http:// to ${url.hostname}. Use https:// if the service accepts it (EAS gateways do).`,
    suggestedUrl: text.trim().replace(/^http:\/\//i, 'https://'),
  };
}
