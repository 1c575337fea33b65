// The process boundary (DESIGN.md rule 1), checked by reading imports: electron only in main/index.ts,
// main/electron/ and preload/; the renderer never imports main/; main never imports the renderer.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;

export interface BoundaryViolation {
  file: string;
  specifier: string;
  rule: string;
}

function* sourceFiles(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* sourceFiles(path);
    } else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(entry.name)) yield path;
  }
}

export function findBoundaryViolations(root: string): BoundaryViolation[] {
  const violations: BoundaryViolation[] = [];
  for (const top of ['main', 'renderer', 'test']) {
    for (const path of sourceFiles(join(root, top))) {
      const file = relative(root, path).split(sep).join('/');
      const electronAllowed = file === 'main/index.ts' || file.startsWith('main/electron/');
      for (const match of readFileSync(path, 'utf8').matchAll(IMPORT)) {
        const specifier = match[1] ?? '';
        if (specifier === 'electron' || specifier.startsWith('electron/')) {
          if (!electronAllowed) violations.push({ file, specifier, rule: 'electron outside the shell' });
        } else if (file.startsWith('renderer/') && /(^|\/)main(\/|$)/.test(specifier) && specifier.startsWith('.')) {
          violations.push({ file, specifier, rule: 'renderer imports main' });
        } else if (file.startsWith('main/') && /(^|\/)renderer(\/|$)/.test(specifier) && specifier.startsWith('.')) {
          violations.push({ file, specifier, rule: 'main imports renderer' });
        }
      }
    }
  }
  return violations;
}
