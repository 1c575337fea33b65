import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findBoundaryViolations } from './process-boundary';

const repoRoot = resolve(import.meta.dirname, '../../..');
let scratch: string | undefined;
// Built at run time so that this file itself does not read as an electron import.
const electronImport = (name: string) => `import { ${name} } from '${'electron'}';\n`;

function tree(files: Record<string, string>): string {
  scratch = mkdtempSync(join(tmpdir(), 'artlab-boundary-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    writeFileSync(join(scratch, file), text);
  }
  return scratch;
}

afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('the process boundary', () => {
  it('holds in this repository', () => {
    expect(findBoundaryViolations(repoRoot)).toEqual([]);
  });

  it('catches electron imported from a plain-Node module', () => {
    const root = tree({ 'main/services/vault.ts': electronImport('safeStorage') });
    expect(findBoundaryViolations(root)).toEqual([
      { file: 'main/services/vault.ts', specifier: 'electron', rule: 'electron outside the shell' },
    ]);
  });

  it('allows electron in the shell only', () => {
    const root = tree({
      'main/index.ts': electronImport('app'),
      'main/electron/ipc.ts': electronImport('ipcMain'),
    });
    expect(findBoundaryViolations(root)).toEqual([]);
  });

  it('catches the renderer importing main, and main importing the renderer', () => {
    const root = tree({
      'renderer/app.tsx': "import { createStudio } from '../main/studio';\n",
      'main/studio.ts': "const x = await import('../renderer/app');\n",
    });
    expect(findBoundaryViolations(root).map((v) => v.rule)).toEqual(['main imports renderer', 'renderer imports main']);
  });
});
