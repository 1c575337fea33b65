// The import rules of eslint.config.js (process boundary, layers of main/) fire on planted code. The code is linted
// in memory under real repository paths, with exactly the rules `npm run lint` applies to imports.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
let eslint: ESLint;

async function importBoundaries(): Promise<Linter.Config[]> {
  // Loaded at run time: the config is plain JavaScript, outside what tsc type-checks.
  const config: unknown = await import(pathToFileURL(join(repoRoot, 'eslint.config.js')).href);
  if (typeof config !== 'object' || config === null || !('importBoundaries' in config)) {
    throw new Error('eslint.config.js no longer exports importBoundaries');
  }
  return config.importBoundaries as Linter.Config[];
}

beforeAll(async () => {
  eslint = new ESLint({
    cwd: repoRoot,
    overrideConfigFile: true,
    // The TypeScript parser without type information: the import rules need the syntax only.
    overrideConfig: [
      { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } },
      ...(await importBoundaries()),
    ],
  });
});

async function problems(file: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return (result?.messages ?? []).map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe('the import rules', () => {
  it('stop a lower layer from importing a domain (comfy -> dispatch)', async () => {
    const found = await problems('main/comfy/planted.ts', "export { Scheduler } from '../dispatch/scheduler';\n");
    expect(found.map((p) => p.rule)).toEqual(['boundaries/dependencies']);
    expect(found[0]?.message).toMatch(/"comfy".*"dispatch"/);
  });

  it('stop main/ from importing test/ (the simulator)', async () => {
    const found = await problems('main/studio.ts', "import { defaultSimulatorOptions } from '../test/sim/index';\n");
    expect(found.map((p) => p.rule)).toEqual(['boundaries/dependencies']);
    expect(found[0]?.message).toContain('never import test/');
  });

  it('stop the renderer from importing main/', async () => {
    const found = await problems('renderer/planted.ts', "import { createStudio } from '../main/studio';\n");
    expect(found.map((p) => p.rule).sort()).toEqual(['boundaries/dependencies', 'no-restricted-imports']);
  });

  it('stop electron outside the shell (main/ledger)', async () => {
    const found = await problems('main/ledger/planted.ts', "import { app } from 'electron';\n");
    expect(found.map((p) => p.rule).sort()).toEqual(['boundaries/dependencies', 'no-restricted-imports']);
  });

  it('allow electron in the shell', async () => {
    expect(await problems('main/electron/planted.ts', "import { app } from 'electron';\n")).toEqual([]);
  });

  it('refuse a file that no layer claims', async () => {
    const found = await problems('main/planted.ts', 'export const unplaced = 1;\n');
    expect(found.map((p) => p.rule)).toEqual(['boundaries/no-unknown-files']);
  });

  it('accept a domain importing what its layer may: another domain it depends on, a lower layer, leaves, schemas, packages', async () => {
    const code = [
      "import { readFileSync } from 'node:fs';",
      "import { z } from 'zod';",
      "import { Ledger } from '../ledger/ledger';",
      "import { parseWorkflow } from '../comfy/workflow-parse';",
      "import { ValidationError } from '../errors';",
      "import type { Clock } from '../adapters';",
      "import type { BatchSpecInput } from '../../preload/schemas/jobs';",
      'export { readFileSync, z, Ledger, parseWorkflow, ValidationError, type Clock, type BatchSpecInput };',
      '',
    ].join('\n');
    expect(await problems('main/dispatch/planted.ts', code)).toEqual([]);
  });
});
