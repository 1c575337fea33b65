// From what the form sends to a stored record: the edition detected from the URL, the URL normalised, the queue
// endpoint and service name derived unless the user edited them, the OSS location split. Secrets are not handled
// here (services-module.ts gives them to the vault).
import type { ServiceInput, ServicePatch } from '../../preload/schemas/services';
import { ValidationError } from '../errors';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_WINDOW_SIZE,
  parseOssLocation,
  type ControlSettings,
  type OssSettings,
  type QueueSettings,
  type ServiceRecord,
} from './service-record';
import { detectEdition, normaliseServiceUrl, parseLooseUrl, queueUrlParts } from './service-url';

export interface BuildContext {
  id: string;
  now: number;
  newConsumerUid: () => string;
}

export function buildRecord(
  input: ServicePatch | ServiceInput,
  existing: ServiceRecord | undefined,
  context: BuildContext,
): ServiceRecord {
  const rawUrl = input.url ?? existing?.url;
  const name = input.name ?? existing?.name;
  if (!rawUrl) throw new ValidationError('Enter the service URL.', undefined, 'url').withCode('service-url-missing');
  if (!name)
    throw new ValidationError('Enter a name for the service.', undefined, 'name').withCode('service-name-missing');
  const urlChanged = input.url !== undefined && input.url !== existing?.url;
  const edition = input.edition ?? (urlChanged || !existing ? detectEdition(rawUrl) : existing.edition);
  if (!edition) {
    throw new ValidationError(
      'The URL is not a web address. Paste the URL from the call information.',
      undefined,
      'url',
    ).withCode('service-url-unreadable');
  }
  const url = normaliseServiceUrl(rawUrl, edition);
  if (!url) {
    throw new ValidationError(
      edition === 'queue'
        ? 'An API-edition URL ends with /api/predict/<service name>. Paste the URL from the call information.'
        : 'The URL is not a web address. Paste the URL from the call information.',
      undefined,
      'url',
    ).withCode(edition === 'queue' ? 'queue-url-shape' : 'service-url-unreadable');
  }
  const record: ServiceRecord = {
    id: context.id,
    edition,
    name,
    url,
    createdAt: existing?.createdAt ?? context.now,
    updatedAt: context.now,
  };
  if (edition === 'queue') record.queue = buildQueue(url, input, existing, context, urlChanged);
  const oss = input.oss === undefined ? existing?.oss : input.oss === null ? undefined : buildOss(input.oss);
  if (oss) record.oss = oss;
  const control =
    input.control === undefined ? existing?.control : input.control === null ? undefined : buildControl(input.control);
  if (control) record.control = control;
  const cost = input.cost === undefined ? existing?.cost : (input.cost ?? undefined);
  if (cost) record.cost = cost;
  const catalogueFrom = input.catalogueFrom === undefined ? existing?.catalogueFrom : input.catalogueFrom;
  if (catalogueFrom && catalogueFrom !== context.id) record.catalogueFrom = catalogueFrom;
  return record;
}

function buildQueue(
  url: string,
  input: ServicePatch | ServiceInput,
  existing: ServiceRecord | undefined,
  context: BuildContext,
  urlChanged: boolean,
): QueueSettings {
  const derived = queueUrlParts(url);
  if (!derived) {
    throw new ValidationError('An API-edition URL ends with /api/predict/<service name>.', undefined, 'url').withCode(
      'queue-url-shape',
    );
  }
  const previous = existing?.queue;
  const asked = input.queue ?? {};

  let endpoint = previous && !urlChanged ? previous.endpoint : derived.endpoint;
  if (asked.endpoint) {
    const parsed = parseLooseUrl(asked.endpoint);
    if (!parsed) {
      throw new ValidationError('The endpoint is not a host name.', undefined, 'queue.endpoint').withCode(
        'queue-endpoint-invalid',
      );
    }
    // The console shows the endpoint without a scheme: take the URL's.
    const scheme = /^https?:\/\//i.test(asked.endpoint) ? parsed.protocol : new URL(url).protocol;
    endpoint = `${scheme}//${parsed.host}`;
  }

  let serviceName = derived.serviceName;
  let serviceNameEdited = false;
  if (asked.serviceName) {
    serviceName = asked.serviceName.replace(/\/sink\/?$/, '');
    serviceNameEdited = serviceName !== derived.serviceName;
  } else if (previous?.serviceNameEdited) {
    // An edited name survives a URL change too: the user said it differs from the URL.
    serviceName = previous.serviceName;
    serviceNameEdited = true;
  }

  return {
    endpoint,
    serviceName,
    serviceNameEdited,
    // Kept for the life of the service: the sink hands uncommitted results back to the same consumer (eas-queue.md).
    consumerUid: previous?.consumerUid ?? context.newConsumerUid(),
    windowSize: asked.windowSize ?? previous?.windowSize ?? DEFAULT_WINDOW_SIZE,
    concurrency: asked.concurrency ?? previous?.concurrency ?? DEFAULT_CONCURRENCY,
    foreignResults: asked.foreignResults ?? previous?.foreignResults ?? 'adopt',
  };
}

function buildOss(input: NonNullable<ServiceInput['oss']>): OssSettings {
  let location: { bucket: string; prefix: string };
  try {
    location = parseOssLocation(input.location);
  } catch (error) {
    // Same sentence, now naming the form field it belongs to.
    if (error instanceof ValidationError) {
      throw new ValidationError(error.message, undefined, 'oss.location').withCode('oss-location-invalid', {
        detail: error.message,
      });
    }
    throw error;
  }
  // A location without its region or AccessKey is kept: the artist may not have the keys at hand. The health check
  // says what is missing (and an API-edition service cannot be queued on) until they are added.
  const oss: OssSettings = { ...location, credentials: input.credentials };
  if (input.region) oss.region = input.region;
  if (input.endpoint) oss.endpoint = input.endpoint;
  if (input.credentials === 'own' && input.accessKeyId) oss.accessKeyId = input.accessKeyId;
  return oss;
}

function buildControl(input: NonNullable<ServiceInput['control']>): ControlSettings {
  // Kept without a key or a target too: the DTO's `control.configured` says whether it can be used yet.
  const control: ControlSettings = { credentials: input.credentials };
  if (input.credentials === 'own' && input.accessKeyId) control.accessKeyId = input.accessKeyId;
  if (input.region) control.region = input.region;
  if (input.serviceName) control.serviceName = input.serviceName;
  if (input.autoStopIdleMinutes !== undefined) control.autoStopIdleMinutes = input.autoStopIdleMinutes;
  return control;
}
