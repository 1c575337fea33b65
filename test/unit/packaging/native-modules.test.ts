// assets/build/native-modules.mjs decides from better-sqlite3's load error whether a build fixes it. The errors here
// are the real ones: `bindings` (what better-sqlite3 loads its binary with) looking in a package with no binary.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
let rebuildReason: (error: unknown) => string | undefined;
let scratch: string | undefined;

beforeAll(async () => {
  const module: unknown = await import(pathToFileURL(join(root, 'assets/build/native-load-error.mjs')).href);
  if (typeof module !== 'object' || module === null || !('rebuildReason' in module))
    throw new Error('no rebuildReason');
  rebuildReason = module.rebuildReason as typeof rebuildReason;
});

afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

function loadErrorOfPackageWithoutBinary(): unknown {
  scratch = mkdtempSync(join(tmpdir(), 'artlab-native-'));
  writeFileSync(join(scratch, 'package.json'), '{"name":"better-sqlite3"}');
  const bindings = require('bindings') as (options: { bindings: string; module_root: string }) => unknown;
  try {
    bindings({ bindings: 'better_sqlite3.node', module_root: scratch });
  } catch (error) {
    return error;
  }
  throw new Error('bindings found a binary in an empty package');
}

describe('when better-sqlite3 needs building', () => {
  it('builds when no binary exists at all', () => {
    expect(rebuildReason(loadErrorOfPackageWithoutBinary())).toBe('not built');
  });

  it('builds when the binary was made for another runtime', () => {
    const error = new Error(
      'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 133. ' +
        'This version of Node.js requires NODE_MODULE_VERSION 115.',
    );
    expect(rebuildReason(error)).toBe('built for another runtime');
  });

  it('leaves any other failure alone, for the caller to report', () => {
    expect(rebuildReason(new Error('SQLITE_CANTOPEN: unable to open database file'))).toBeUndefined();
  });
});
