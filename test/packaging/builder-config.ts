// electron-builder.yml as the release needs it. electron-builder checks its own schema on every run; this checks
// our decisions (per-user NSIS, both architectures, hardened runtime, the fuse hook...) so that a careless edit
// fails the packaging check instead of shipping.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { z } from 'zod';

const Arch = z.enum(['x64', 'arm64', 'ia32', 'armv7l', 'universal']);
const Target = z.object({ target: z.string(), arch: z.array(Arch) });

export const BuilderConfigSchema = z.object({
  appId: z.literal('com.artlab.desktop'),
  productName: z.literal('ArtLab Desktop'),
  directories: z.object({ output: z.string(), buildResources: z.literal('assets') }),
  files: z.array(z.string()).min(1),
  asar: z.literal(true),
  asarUnpack: z.array(z.string()),
  npmRebuild: z.literal(true),
  afterPack: z.string(),
  publish: z.object({ provider: z.literal('generic'), url: z.url() }),
  mac: z.object({
    icon: z.string(),
    target: z.array(Target),
    hardenedRuntime: z.literal(true),
    entitlements: z.string(),
    entitlementsInherit: z.string(),
    notarize: z.literal(true),
  }),
  win: z.object({ icon: z.string(), target: z.array(Target) }),
  nsis: z.object({
    oneClick: z.literal(false),
    perMachine: z.literal(false),
    createDesktopShortcut: z.literal(true),
    createStartMenuShortcut: z.literal(true),
    deleteAppDataOnUninstall: z.literal(false),
  }),
  linux: z.object({ icon: z.string(), target: z.array(Target) }),
});
export type BuilderConfig = z.infer<typeof BuilderConfigSchema>;

export async function readBuilderConfig(root: string): Promise<BuilderConfig> {
  // js-yaml comes with electron-updater (a production dependency), so no extra package is needed to read YAML.
  const yaml: unknown = createRequire(import.meta.url)('js-yaml');
  if (!hasLoad(yaml)) throw new Error('js-yaml has no load(): reinstall dependencies');
  const text = await readFile(join(root, 'electron-builder.yml'), 'utf8');
  return BuilderConfigSchema.parse(yaml.load(text));
}

function hasLoad(module: unknown): module is { load(text: string): unknown } {
  return typeof module === 'object' && module !== null && 'load' in module && typeof module.load === 'function';
}

function archesOf(targets: BuilderConfig['mac']['target'], name: string): string[] {
  return targets.find((target) => target.target === name)?.arch ?? [];
}

/** Release decisions the schema cannot express; empty when all hold. */
export function configProblems(config: BuilderConfig, fileExists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const both = (arches: string[]) => arches.includes('x64') && arches.includes('arm64');
  if (!both(archesOf(config.mac.target, 'dmg'))) problems.push('macOS dmg must be built for x64 and arm64');
  if (!both(archesOf(config.mac.target, 'zip'))) problems.push('macOS zip (for auto-update) must cover x64 and arm64');
  if (!both(archesOf(config.win.target, 'nsis'))) problems.push('Windows NSIS must be built for x64 and arm64');
  if (archesOf(config.linux.target, 'AppImage').length === 0) problems.push('Linux must build an AppImage');
  for (const pattern of ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', '!**/*.map']) {
    if (!config.files.includes(pattern)) problems.push(`files must list ${pattern}`);
  }
  if (config.files.some((pattern) => /^(?:main|renderer|preload|test|src)\b/.test(pattern))) {
    problems.push('files must not ship sources or tests');
  }
  if (!config.asarUnpack.some((pattern) => pattern.includes('.node'))) problems.push('native modules must be unpacked');
  const referenced = [
    config.mac.icon,
    config.mac.entitlements,
    config.mac.entitlementsInherit,
    config.win.icon,
    config.linux.icon,
    config.afterPack,
  ];
  for (const path of referenced) if (!fileExists(path)) problems.push(`missing file referenced by the config: ${path}`);
  return problems;
}
