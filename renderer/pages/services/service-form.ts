// The add/edit form as plain data: built from a stored service or empty, filled from a pasted draft, and turned into
// the contract's create input or update patch. Secrets are write-only: the form never holds a stored one, only the
// masked hint, and sends a secret field only when the user typed (or pasted) a new value.
import type {
  CallInfoDraftDto,
  Edition,
  ServiceDto,
  ServiceInput,
  ServicePatch,
} from '../../../preload/schemas/services';

export type EditionChoice = Edition | 'auto';

export interface ServiceForm {
  edition: EditionChoice;
  name: string;
  url: string;
  /** A newly typed token; empty keeps the stored one (or the pasted one, below). */
  token: string;
  /** The token `services.parseCallInfo` found, kept in main under this id. */
  draftId?: string;
  draftTokenHint?: string;
  /** The stored token's hint, when editing. */
  storedTokenHint?: string;
  endpoint: string;
  serviceName: string;
  /** Whether the user changed endpoint / service name by hand (else main derives them from the URL). */
  queueEdited: boolean;
  windowSize: string;
  concurrency: string;
  foreignResults: 'adopt' | 'leave';
  oss: boolean;
  ossLocation: string;
  ossRegion: string;
  ossEndpoint: string;
  ossCredentials: 'shared' | 'own';
  ossAccessKeyId: string;
  ossSecret: string;
  storedOssSecretHint?: string;
  /** The shared OSS credentials (every service set to "shared" uses them): edited here, saved with the service. */
  sharedAccessKeyId: string;
  storedSharedAccessKeyId: string;
  sharedSecret: string;
  storedSharedSecretHint?: string;
  /** An API-edition service's source of models and choices: an Exclusive service's id, or '' for none. */
  catalogueFrom: string;
  /** Starting, stopping and scaling the GPU through the EAS control API (optional). */
  control: boolean;
  controlCredentials: 'oss' | 'own';
  controlAccessKeyId: string;
  controlSecret: string;
  storedControlSecretHint?: string;
  /** An STS token for a temporary control key (write-only like the secret). */
  controlSecurityToken: string;
  hasStoredControlToken?: boolean;
  /** Overrides of what the URL says; empty: main reads them from the URL. */
  controlRegion: string;
  controlServiceName: string;
  /** Minutes of idleness before the app stops the service; '' = never. */
  controlAutoStop: string;
  /** The price for cost estimates: per instance-hour ('' = none), its currency, and the API edition's queue instance. */
  price: string;
  currency: 'CNY' | 'USD';
  queueInstanceBilled: boolean;
  queuePrice: string;
  /** What main read from the stored service's URL, shown as the fields' placeholders. */
  controlTarget?: { region: string; serviceName: string };
}

export function emptyForm(): ServiceForm {
  return {
    edition: 'auto',
    name: '',
    url: '',
    token: '',
    endpoint: '',
    serviceName: '',
    queueEdited: false,
    windowSize: '',
    concurrency: '',
    foreignResults: 'adopt',
    catalogueFrom: '',
    oss: false,
    ossLocation: '',
    ossRegion: '',
    ossEndpoint: '',
    ossCredentials: 'own',
    ossAccessKeyId: '',
    ossSecret: '',
    sharedAccessKeyId: '',
    storedSharedAccessKeyId: '',
    sharedSecret: '',
    control: false,
    controlCredentials: 'own',
    controlAccessKeyId: '',
    controlSecret: '',
    controlSecurityToken: '',
    controlRegion: '',
    controlServiceName: '',
    controlAutoStop: '',
    price: '',
    currency: 'CNY',
    queueInstanceBilled: false,
    queuePrice: '',
  };
}

export function formFromService(service: ServiceDto): ServiceForm {
  const form: ServiceForm = {
    ...emptyForm(),
    edition: service.edition,
    name: service.name,
    url: service.url,
    endpoint: service.queue?.endpoint ?? '',
    serviceName: service.queue?.serviceName ?? '',
    windowSize: service.queue ? String(service.queue.windowSize) : '',
    concurrency: service.queue ? String(service.queue.concurrency) : '',
    foreignResults: service.queue?.foreignResults ?? 'adopt',
    catalogueFrom: service.catalogueFrom ?? '',
  };
  if (service.hasToken) form.storedTokenHint = service.tokenHint ?? '••••';
  if (service.oss) {
    form.oss = true;
    form.ossLocation = service.oss.location;
    form.ossRegion = service.oss.region ?? '';
    form.ossEndpoint = service.oss.endpoint ?? '';
    form.ossCredentials = service.oss.credentials;
    form.ossAccessKeyId = service.oss.accessKeyId ?? '';
    if (service.oss.hasSecret) form.storedOssSecretHint = service.oss.secretHint ?? '••••';
  }
  if (service.cost) {
    form.price = String(service.cost.pricePerInstanceHour);
    form.currency = service.cost.currency;
    form.queueInstanceBilled = service.cost.queueInstanceBilled;
    form.queuePrice = service.cost.queuePricePerHour !== undefined ? String(service.cost.queuePricePerHour) : '';
  }
  if (service.control) {
    form.control = true;
    form.controlCredentials = service.control.credentials;
    form.controlAccessKeyId = service.control.accessKeyId ?? '';
    form.controlRegion = service.control.region ?? '';
    form.controlServiceName = service.control.serviceName ?? '';
    form.controlAutoStop =
      service.control.autoStopIdleMinutes !== undefined ? String(service.control.autoStopIdleMinutes) : '';
    if (service.control.hasSecret) form.storedControlSecretHint = service.control.secretHint ?? '••••';
    if (service.control.credentials === 'own' && service.control.hasSecurityToken) form.hasStoredControlToken = true;
    if (service.control.target) form.controlTarget = service.control.target;
  }
  return form;
}

/** What a paste fills in: only the fields the draft knows, so a paste of just a URL keeps a typed name. */
export function applyDraft(form: ServiceForm, draft: CallInfoDraftDto): ServiceForm {
  const next: ServiceForm = { ...form };
  if (draft.edition) next.edition = draft.edition;
  if (draft.name && !form.name.trim()) next.name = draft.name;
  if (draft.url) next.url = draft.url;
  if (draft.endpoint) next.endpoint = draft.endpoint;
  if (draft.serviceName) next.serviceName = draft.serviceName;
  if (draft.endpoint || draft.serviceName) next.queueEdited = false;
  if (draft.ossLocation) {
    next.ossLocation = draft.ossLocation;
    next.oss = true;
  }
  if (draft.ossRegion && !form.ossRegion.trim()) next.ossRegion = draft.ossRegion;
  if (draft.ossEndpoint && !form.ossEndpoint.trim()) next.ossEndpoint = draft.ossEndpoint;
  if (draft.draftId && draft.hasToken) {
    next.draftId = draft.draftId;
    next.draftTokenHint = draft.tokenHint ?? '••••';
    next.token = '';
  }
  return next;
}

/**
 * The API edition's results are written to OSS and read from there: its OSS fields are always shown, and an empty
 * storage path saves the service without one (main then reports it as needing an OSS output location).
 */
export function ossRequired(form: ServiceForm): boolean {
  return effectiveEdition(form) === 'queue';
}

/** Whether the form saves an OSS location: ticked for the Exclusive edition, a storage path typed for the API one. */
export function savesOss(form: ServiceForm): boolean {
  return ossRequired(form) ? form.ossLocation.trim() !== '' : form.oss;
}

/** The edition the form will be saved as: chosen, or read from the URL the way main reads it. */
export function effectiveEdition(form: ServiceForm): Edition | undefined {
  if (form.edition !== 'auto') return form.edition;
  if (!form.url.trim()) return undefined;
  return /\/api\/predict\/[^/?#]+/i.test(form.url) ? 'queue' : 'exclusive';
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The https URL to offer when a token would travel over plain http to another computer. */
export function httpsSuggestion(form: ServiceForm): string | undefined {
  const hasToken = Boolean(form.token.trim() || form.draftId || form.storedTokenHint);
  if (!hasToken) return undefined;
  const text = form.url.trim();
  if (!/^http:\/\//i.test(text)) return undefined;
  try {
    if (isLoopbackHost(new URL(text).hostname)) return undefined;
  } catch {
    return undefined;
  }
  return text.replace(/^http:\/\//i, 'https://');
}

export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function positiveInt(text: string): number | undefined {
  const value = Number(text.trim());
  return text.trim() && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** What `services.sharedOss.set` should store before this form is saved, or undefined if nothing changed. */
export function sharedOssChange(form: ServiceForm): { accessKeyId: string; accessKeySecret?: string } | undefined {
  if (!savesOss(form) || form.ossCredentials !== 'shared') return undefined;
  const accessKeyId = form.sharedAccessKeyId.trim();
  const secret = form.sharedSecret.trim();
  if (accessKeyId === form.storedSharedAccessKeyId && !secret) return undefined;
  return secret ? { accessKeyId, accessKeySecret: secret } : { accessKeyId };
}

function ossInput(form: ServiceForm): NonNullable<ServiceInput['oss']> {
  const oss: NonNullable<ServiceInput['oss']> = {
    location: form.ossLocation.trim(),
    credentials: form.ossCredentials,
  };
  if (form.ossRegion.trim()) oss.region = form.ossRegion.trim();
  if (form.ossEndpoint.trim()) oss.endpoint = form.ossEndpoint.trim();
  if (form.ossCredentials === 'own') {
    // Either may still be missing: the service is saved, and its check says what to add.
    if (form.ossAccessKeyId.trim()) oss.accessKeyId = form.ossAccessKeyId.trim();
    if (form.ossSecret.trim()) oss.accessKeySecret = form.ossSecret.trim();
  }
  return oss;
}

function controlInput(form: ServiceForm): NonNullable<ServiceInput['control']> {
  const control: NonNullable<ServiceInput['control']> = { credentials: form.controlCredentials };
  if (form.controlCredentials === 'own') {
    if (form.controlAccessKeyId.trim()) control.accessKeyId = form.controlAccessKeyId.trim();
    // No new secret keeps the stored one (a secret is write-only).
    if (form.controlSecret.trim()) control.accessKeySecret = form.controlSecret.trim();
    if (form.controlSecurityToken.trim()) control.securityToken = form.controlSecurityToken.trim();
  }
  // Sent even when empty: clearing an override goes back to what the URL says.
  control.region = form.controlRegion.trim();
  control.serviceName = form.controlServiceName.trim();
  // Not a whole number is sent as it is: main's schema refuses it under the field, rather than dropping it silently.
  const autoStop = form.controlAutoStop.trim();
  if (autoStop !== '') control.autoStopIdleMinutes = Number(autoStop);
  return control;
}

export function toServiceInput(form: ServiceForm): ServiceInput {
  const input: ServiceInput = { name: form.name.trim(), url: form.url.trim() };
  if (form.edition !== 'auto') input.edition = form.edition;
  if (form.token.trim()) input.token = form.token.trim();
  else if (form.draftId) input.tokenFromDraft = form.draftId;
  if (effectiveEdition(form) === 'queue') {
    const queue: NonNullable<ServiceInput['queue']> = { foreignResults: form.foreignResults };
    if (form.queueEdited && form.endpoint.trim()) queue.endpoint = form.endpoint.trim();
    if (form.queueEdited && form.serviceName.trim()) queue.serviceName = form.serviceName.trim();
    const windowSize = positiveInt(form.windowSize);
    const concurrency = positiveInt(form.concurrency);
    if (windowSize) queue.windowSize = windowSize;
    if (concurrency) queue.concurrency = concurrency;
    input.queue = queue;
    if (form.catalogueFrom) input.catalogueFrom = form.catalogueFrom;
  }
  if (savesOss(form)) input.oss = ossInput(form);
  if (form.control) input.control = controlInput(form);
  // Not a number is sent as it is: main's schema refuses it under the field rather than dropping it silently.
  if (form.price.trim() !== '') {
    const queueBilled = effectiveEdition(form) === 'queue' && form.queueInstanceBilled;
    input.cost = {
      pricePerInstanceHour: Number(form.price.trim()),
      currency: form.currency,
      queueInstanceBilled: queueBilled,
      ...(queueBilled && form.queuePrice.trim() !== '' ? { queuePricePerHour: Number(form.queuePrice.trim()) } : {}),
    };
  }
  return input;
}

export function toServicePatch(id: string, form: ServiceForm, stored: ServiceDto): ServicePatch {
  const { oss, control, cost, ...rest } = toServiceInput(form);
  const patch: ServicePatch = { id, ...rest };
  if (cost) patch.cost = cost;
  else if (stored.cost) patch.cost = null;
  if (oss) patch.oss = oss;
  else if (stored.oss) patch.oss = null;
  if (control) patch.control = control;
  else if (stored.control) patch.control = null;
  if (!patch.catalogueFrom && stored.catalogueFrom) patch.catalogueFrom = null;
  return patch;
}
