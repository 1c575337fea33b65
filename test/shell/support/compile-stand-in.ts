// The stand-in is TypeScript (checked against Electron's types by tsc); the child runs it as CommonJS compiled here.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const standInDir = fileURLToPath(new URL('../stand-in/', import.meta.url));
export const registerScript = join(standInDir, 'register.mjs');

/** Writes electron.js, driver.js and their imports into `into` (a folder with no package.json above: CommonJS). */
export function compileStandIn(into: string): void {
  for (const name of ['electron', 'desktop', 'driver', 'recorder', 'messages']) {
    const source = readFileSync(join(standInDir, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: `${name}.ts`,
    });
    writeFileSync(join(into, `${name}.js`), outputText);
  }
}
