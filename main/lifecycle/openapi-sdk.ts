// Alibaba Cloud's OpenAPI core (the signer and HTTP client behind every official SDK), loaded on first use: it and its
// dependency tree (credentials, httpx, xml parsers) are not needed until the artist controls a service.
import type OpenApiClient from '@alicloud/openapi-core';

type OpenApiModule = typeof import('@alicloud/openapi-core');
type DaraModule = typeof import('@darabonba/typescript');

export interface OpenApiSdk {
  Client: OpenApiModule['default'];
  util: OpenApiModule['$OpenApiUtil'];
  /** The runtime options callApi takes (timeouts); the class lives in openapi-core's own dependency. */
  RuntimeOptions: DaraModule['RuntimeOptions'];
}
export type { OpenApiClient };

/**
 * Node's ESM loader hands a CommonJS module's whole `exports` object over as its default export, a bundler hands
 * `exports.default`: the client class is whichever of the two is a function.
 */
function clientClassOf(mod: OpenApiModule): OpenApiModule['default'] {
  const direct: unknown = mod.default;
  if (typeof direct === 'function') return mod.default;
  const nested: unknown = (direct as { default?: unknown } | null)?.default;
  if (typeof nested === 'function') return nested as OpenApiModule['default'];
  throw new Error('@alicloud/openapi-core exports no client class');
}

let loading: Promise<OpenApiSdk> | undefined;

export function loadOpenApiSdk(): Promise<OpenApiSdk> {
  loading ??= Promise.all([import('@alicloud/openapi-core'), import('@darabonba/typescript')]).then(([sdk, dara]) => ({
    Client: clientClassOf(sdk),
    util: sdk.$OpenApiUtil,
    RuntimeOptions: dara.RuntimeOptions,
  }));
  // A failed load (a broken install) is tried again by the next call.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
