// Which EAS service a saved service is, for the control API: its region (the ClusterId, reference/eas-control.md §1)
// and its EAS service name, read from the URL the artist pasted unless the record names them.
import { EAS_REGION_PATTERN, EAS_SERVICE_NAME_PATTERN } from '../../preload/schemas/services';
import { BadRequestError } from '../errors';

export interface ControlTarget {
  region: string;
  serviceName: string;
}

const EAS_SUFFIX = ['pai-eas', 'aliyuncs', 'com'];

/** `pai-eas.<region>.aliyuncs.com`: the control API's host for a region (reference §1, the SDK's endpoint map). */
export function controlEndpointFor(region: string): string {
  return `pai-eas.${region}.aliyuncs.com`;
}

export function isRegion(text: string): boolean {
  return EAS_REGION_PATTERN.test(text);
}

export function isEasServiceName(text: string): boolean {
  return EAS_SERVICE_NAME_PATTERN.test(text);
}

/**
 * API edition: `http://<uid>.<region>.pai-eas.aliyuncs.com/api/predict/<name>` → the region is the label before
 * `pai-eas`, the name the path segment after `predict`. Exclusive: `<name>.<uid>.<region>.pai-eas.aliyuncs.com` → the
 * name is the first label. A URL that says neither (a local ComfyUI, an IP) is refused: the artist names them.
 */
export function controlTargetFromUrl(url: string): ControlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unknownTarget(url);
  }
  const labels = parsed.hostname.toLowerCase().split('.');
  const tail = labels.slice(-EAS_SUFFIX.length);
  if (labels.length < 5 || tail.some((label, i) => label !== EAS_SUFFIX[i])) throw unknownTarget(url);
  const region = labels[labels.length - EAS_SUFFIX.length - 1] ?? '';
  if (!isRegion(region)) throw unknownTarget(url);
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  const predict = segments.indexOf('predict');
  let serviceName: string | undefined;
  if (segments[0] === 'api' && predict === 1) {
    serviceName = safeDecode(segments[2] ?? '');
  } else if (labels.length - EAS_SUFFIX.length - 1 >= 2) {
    serviceName = labels[0];
  }
  if (serviceName === undefined || !isEasServiceName(serviceName)) {
    throw new BadRequestError(
      `The URL ${url} does not say which EAS service it is. Enter the EAS service name.`,
    ).withCode('control-service-name-unknown', { url });
  }
  return { region, serviceName };
}

/** The record's own region and name win over what the URL says (the artist may know better, e.g. a custom domain). */
export function resolveControlTarget(
  url: string,
  overrides: { region?: string | undefined; serviceName?: string | undefined } = {},
): ControlTarget {
  const { region, serviceName } = overrides;
  if (region && serviceName) return { region, serviceName };
  const fromUrl = controlTargetFromUrl(url);
  return { region: region || fromUrl.region, serviceName: serviceName || fromUrl.serviceName };
}

function unknownTarget(url: string): BadRequestError {
  return new BadRequestError(
    `The URL ${url} is not an EAS service address (…pai-eas.aliyuncs.com). Enter the region and EAS service name.`,
  ).withCode('control-target-unknown', { url });
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
