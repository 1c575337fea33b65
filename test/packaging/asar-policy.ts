// What app.asar may hold: the three bundles, package.json and production dependencies — no tests, no sources, no
// source maps, nothing that looks like a secret. Pure functions over a file list, so unit tests can check the rules
// and the packaging check can apply them to a real archive.
import { builtinModules } from 'node:module';

export interface AsarFacts {
  /** Paths as @electron/asar lists them: `/out/main/index.js`. */
  paths: readonly string[];
  devDependencies: readonly string[];
  /** Packages main imports by bare name (from the built bundle), which must be inside the archive. */
  importedByMain: readonly string[];
  /** Packages the renderer bundle already contains, which must not ship a second time. */
  bundledIntoRenderer: readonly string[];
}

const REQUIRED = ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html'];
const ALLOWED_TOP = new Set(['/package.json', '/out', '/node_modules']);
const ALLOWED_OUT = new Set(['main', 'preload', 'renderer']);
const SOURCE = /\.(?:ts|tsx|mts|cts)$/;
const SECRET_FILE = /(?:^|\/)(?:\.env(?:\..*)?|\.npmrc|id_rsa|id_ed25519|[^/]*\.(?:pem|key|p12|pfx|mobileprovision))$/i;
const TEST_DIR = /\/(?:test|tests|__tests__|spec)\//;

/** The package name of a path inside node_modules (`@scope/name` or `name`), for the outermost node_modules. */
export function packageOf(path: string): string | undefined {
  const match = /^\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return match?.[1];
}

/** A bare import specifier's package name, or undefined for relative paths, node: builtins and electron. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (!name || name === 'electron' || builtinModules.includes(name)) return undefined;
  return name;
}

/** Every bare import in a built ESM/CJS bundle. */
export function bareImports(bundle: string): string[] {
  const found = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;
  for (const match of bundle.matchAll(pattern)) {
    const name = match[1] ? packageOfSpecifier(match[1]) : undefined;
    if (name) found.add(name);
  }
  return [...found].sort();
}

/** Every rule app.asar breaks; empty when it holds only what the app needs. */
export function asarProblems(facts: AsarFacts): string[] {
  const problems: string[] = [];
  const paths = new Set(facts.paths);
  for (const required of REQUIRED) if (!paths.has(required)) problems.push(`missing ${required}`);

  const shipped = new Set<string>();
  for (const path of facts.paths) {
    const top = `/${path.split('/')[1] ?? ''}`;
    if (!ALLOWED_TOP.has(top)) problems.push(`not part of the app: ${path}`);
    const outPart = /^\/out\/([^/]+)/.exec(path)?.[1];
    if (outPart !== undefined && !ALLOWED_OUT.has(outPart)) problems.push(`unexpected build output: ${path}`);
    if (SOURCE.test(path)) problems.push(`source file: ${path}`);
    if (path.endsWith('.map')) problems.push(`source map: ${path}`);
    if (TEST_DIR.test(path)) problems.push(`test folder: ${path}`);
    if (SECRET_FILE.test(path)) problems.push(`possible secret: ${path}`);
    const name = packageOf(path);
    if (name) shipped.add(name);
  }
  for (const name of facts.devDependencies) {
    if (shipped.has(name)) problems.push(`development dependency shipped: ${name}`);
  }
  for (const name of facts.bundledIntoRenderer) {
    if (shipped.has(name)) problems.push(`shipped twice (already in the renderer bundle): ${name}`);
  }
  for (const name of facts.importedByMain) {
    if (!shipped.has(name)) problems.push(`main imports ${name} but it is not in app.asar`);
  }
  return [...new Set(problems)];
}

/** Text that must never be inside a shipped bundle: private keys and Alibaba Cloud AccessKey IDs. */
export function secretsInText(text: string): string[] {
  const found: string[] = [];
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push('a private key');
  if (/\bLTAI[0-9A-Za-z]{12,24}\b/.test(text)) found.push('an Alibaba Cloud AccessKey ID');
  return found;
}
