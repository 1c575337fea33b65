// EAS control API failures → our error kinds, each coded for the renderer. openapi-core throws ClientError (4xx),
// ServerError (5xx) and ThrottlingError with `statusCode`, `code`, `requestId` (reference §4); httpx throws
// `RequestTimeoutError` and Node's socket errors. EAS's own message is not shown to the artist: it is a code and a
// request id they can quote to support.
import { AuthError, NetworkError, ServiceError, TimeoutError, excerpt } from '../errors';
import { maskSecret, redact } from '../log/redact';

/** A refusal or failure the control API answered, with what support asks for: its code and request id. */
export class ControlApiError extends ServiceError {
  constructor(
    message: string,
    status: number,
    readonly apiCode: string,
    readonly requestId: string,
  ) {
    super(message, status, apiCode);
  }
}

export interface ControlErrorContext {
  action: string;
  serviceName: string;
  region: string;
  endpoint: string;
  accessKeyId: string;
}

interface ApiFailure {
  name: string;
  statusCode?: number;
  code: string;
  requestId: string;
}

function fields(error: unknown): ApiFailure {
  if (typeof error !== 'object' || error === null) return { name: '', code: '', requestId: '' };
  const { name, statusCode, code, requestId } = error as Record<string, unknown>;
  const known = (value: unknown): string => (typeof value === 'string' && value !== 'undefined' ? value : '');
  return {
    name: known(name),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    code: known(code),
    requestId: known(requestId),
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function mapControlError(error: unknown, context: ControlErrorContext): Error {
  const { name, statusCode, code, requestId } = fields(error);
  const key = maskSecret(context.accessKeyId);
  const service = context.serviceName;
  if (statusCode !== undefined) {
    if (code.startsWith('InvalidAccessKeyId')) {
      return new AuthError(
        `Alibaba Cloud does not know the control AccessKey ${key}: copy the AccessKey ID again.`,
      ).withCode('eas-control-key-unknown', { key });
    }
    if (code === 'SignatureDoesNotMatch') {
      return new AuthError(
        `The control AccessKey ${key} was refused: its secret does not match the ID. Enter the secret again.`,
      ).withCode('eas-control-secret-mismatch', { key });
    }
    if (/SecurityToken/i.test(code)) {
      return new AuthError(
        `The STS token of the control AccessKey ${key} is invalid or expired: get a new one.`,
      ).withCode('eas-control-token-invalid', { key });
    }
    if (statusCode === 401 || statusCode === 403 || /^(Forbidden|NoPermission)/.test(code)) {
      return new AuthError(
        `The control AccessKey ${key} may not ${context.action} on ${service} (${code || statusCode}): grant it the EAS ` +
          'permissions for this service (eas:DescribeService, eas:StartService, eas:StopService, eas:ScaleService…).',
      ).withCode('eas-control-denied', { key, service, action: context.action });
    }
    const suffix = requestId ? ` (request id ${requestId})` : '';
    if (name === 'ThrottlingError' || code.includes('Throttling')) {
      return new ControlApiError(
        `The EAS control API is busy (${code}): try again in a moment${suffix}.`,
        429,
        code,
        requestId,
      ).withCode('eas-control-throttled', { requestId });
    }
    if (statusCode === 404 && !code.startsWith('InvalidAction')) {
      return new ControlApiError(
        `EAS has no service ${service} in region ${context.region} (${code})${suffix}. Check the service name and region.`,
        404,
        code,
        requestId,
      ).withCode('eas-control-service-missing', { service, region: context.region, requestId });
    }
    if (statusCode >= 500) {
      return new ControlApiError(
        `The EAS control API failed (HTTP ${statusCode}, ${code})${suffix}. Try again later.`,
        statusCode,
        code,
        requestId,
      ).withCode('eas-control-server-error', { status: statusCode, code, requestId });
    }
    return new ControlApiError(
      `EAS refused ${context.action} for ${service} (HTTP ${statusCode}, ${code})${suffix}.`,
      statusCode,
      code,
      requestId,
    ).withCode('eas-control-refused', { action: context.action, service, status: statusCode, code, requestId });
  }
  if (name === 'RequestTimeoutError') {
    return new TimeoutError(`The EAS control API at ${context.endpoint} did not answer in time.`).withCode(
      'eas-control-timed-out',
      { endpoint: context.endpoint },
    );
  }
  if (NETWORK_CODES.has(code)) {
    return new NetworkError(
      `The EAS control API at ${context.endpoint} could not be reached (${code}). Check the region and the network.`,
    ).withCode('eas-control-unreachable', { endpoint: context.endpoint, code });
  }
  // A body that is not JSON (a proxy's HTML page), or an error we do not know: said with a redacted excerpt.
  const detail = excerpt(redact(error instanceof Error ? error.message : String(error)), 160);
  return new ServiceError(
    `The EAS control API's reply to ${context.action} could not be read: ${detail}`,
    0,
    detail,
  ).withCode('eas-control-reply-invalid', { action: context.action });
}
