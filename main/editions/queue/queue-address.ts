// Where an API-edition service's queues live, derived from the URL the console shows
// (reference/artlab-api-edition.md): endpoint = scheme + host, service = the last path part, sink = `<service>/sink`.
import { ValidationError } from '../../errors';

export interface QueueAddress {
  /** `http://<host>` (no trailing slash); a URL without a scheme is taken as http, as the SDKs do. */
  endpoint: string;
  service: string;
  /** The results queue: `<service>/sink`. */
  sink: string;
  /** `<endpoint>/api/predict/`: the base every queue URL is resolved against. */
  predictBase: string;
}

const HINT =
  'Copy the request URL of the API edition from the console, e.g. http://<id>.<region>.pai-eas.aliyuncs.com/api/predict/<service>.';

export function queueAddressOf(serviceUrl: string): QueueAddress {
  const trimmed = serviceUrl.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw new ValidationError(`“${trimmed}” is not a URL. ${HINT}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`The service URL must start with http:// or https://. ${HINT}`);
  }
  const parts = url.pathname.split('/').filter((part) => part !== '');
  // People paste the submit or results URL too: `<service>/api_prompt`, `<service>/sink`.
  while (parts.length > 1 && (parts[parts.length - 1] === 'api_prompt' || parts[parts.length - 1] === 'sink')) {
    parts.pop();
  }
  const last = parts[parts.length - 1];
  if (last === undefined || last === 'predict' || last === 'api') {
    throw new ValidationError(`The service URL has no service name after /api/predict/. ${HINT}`);
  }
  let service: string;
  try {
    service = decodeURIComponent(last);
  } catch {
    throw new ValidationError(`The service name in “${trimmed}” is not valid. ${HINT}`);
  }
  const endpoint = `${url.protocol}//${url.host}`;
  return { endpoint, service, sink: `${service}/sink`, predictBase: `${endpoint}/api/predict/` };
}
