// `npm run pack:check`: the part of packaging that runs without the Electron binary or the internet.
//  1. electron-builder.yml holds the release decisions (builder-config.ts) and the files it names exist;
//  2. `electron-builder --linux dir` packs the built app against a stub Electron (stub-electron.ts), which also
//     makes electron-builder check its configuration schema;
//  3. resources/app.asar holds only what the app needs (asar-policy.ts), with no secret in the bundles;
//  4. the fuses read back from the packed executable are the ones assets/build/fuses.mjs asks for;
//  5. the same for `--mac dir` against a stub Electron.app, plus the ASAR integrity hash in Info.plist.
// It lives under test/ because it is a check, not part of the build (DESIGN.md fixes the top level).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractFile, getRawHeader, listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { z } from 'zod';
import { asarProblems, bareImports, secretsInText } from './asar-policy';
import { configProblems, readBuilderConfig } from './builder-config';
import { ELECTRON_DEFAULT_WIRE, writeStubElectron, writeStubElectronApp } from './stub-electron';

const root = resolve(import.meta.dirname, '../..');
/** Libraries Vite bundles into out/renderer: shipping them again in node_modules would only add weight. */
const BUNDLED_INTO_RENDERER = ['react', 'react-dom', 'scheduler', 'react-i18next', '@tanstack/react-virtual'];

const PackageJsonSchema = z.object({
  name: z.string(),
  devDependencies: z.record(z.string(), z.string()),
  scripts: z.record(z.string(), z.string()),
});
const FuseModuleSchema = z.object({ fuseConfig: z.record(z.string(), z.union([z.string(), z.boolean()])) });

const failures: string[] = [];
function report(step: string, problems: string[]): void {
  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${step}`);
  for (const problem of problems) console.log(`       - ${problem}`);
  failures.push(...problems.map((problem) => `${step}: ${problem}`));
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, CI: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

/** Reads the fuse wire back from a packed app and compares it with assets/build/fuses.mjs. */
async function reportFuses(platform: string, executable: string): Promise<void> {
  const wire = await getCurrentFuseWire(executable);
  const fuseModule: unknown = await import(pathToFileURL(join(root, 'assets/build/fuses.mjs')).href);
  const { fuseConfig } = FuseModuleSchema.parse(fuseModule);
  const fuseProblems: string[] = [];
  const lines: string[] = [];
  for (let index = 0; index < ELECTRON_DEFAULT_WIRE.length; index++) {
    const name = FuseV1Options[index] ?? `fuse ${index}`;
    const actual = wire[index as FuseV1Options] === FuseState.ENABLE ? 'on' : 'off';
    const wanted = fuseConfig[String(index)];
    const expected =
      wanted === undefined ? (ELECTRON_DEFAULT_WIRE[index] === '1' ? 'on' : 'off') : wanted ? 'on' : 'off';
    lines.push(`${name}=${actual}`);
    if (actual !== expected) fuseProblems.push(`${name} is ${actual}, expected ${expected}`);
  }
  report(
    `${platform}: fuses read back from the packed app (stub binary with Electron's fuse wire): ${lines.join(' ')}`,
    fuseProblems,
  );
}

/**
 * `--mac dir` against a stub Electron.app: the fuses land in the framework binary, and Info.plist carries the hash
 * of app.asar's header that EnableEmbeddedAsarIntegrityValidation checks at start (a mismatch would stop the app).
 */
async function checkMacApp(work: string, appId: string): Promise<void> {
  const stubDir = join(work, 'electron-dist-mac');
  await writeStubElectronApp(stubDir);
  const outDir = join(work, 'dist-mac');
  const builder = await run(join(root, 'node_modules/.bin/electron-builder'), [
    '--mac',
    'dir',
    '--x64',
    '--publish',
    'never',
    `-c.electronDist=${stubDir}`,
    '-c.npmRebuild=false',
    `-c.directories.output=${outDir}`,
  ]);
  const app = join(outDir, 'mac', 'ArtLab Desktop.app');
  const built = builder.code === 0 && existsSync(join(app, 'Contents/Resources/app.asar'));
  report(
    'electron-builder --mac dir --x64 against a stub Electron.app (signing is skipped off macOS)',
    built ? [] : [`electron-builder exited with ${String(builder.code)}:\n${builder.output.slice(-3000)}`],
  );
  if (!built) return;
  const infoPlist = await readFile(join(app, 'Contents/Info.plist'), 'utf8');
  const embedded =
    /<key>Resources\/app\.asar<\/key>\s*<dict>[\s\S]*?<key>hash<\/key>\s*<string>([0-9a-f]{64})<\/string>/.exec(
      infoPlist,
    )?.[1];
  const header = getRawHeader(join(app, 'Contents/Resources/app.asar')).headerString;
  const actual = createHash('sha256').update(header).digest('hex');
  const problems: string[] = [];
  if (embedded !== actual)
    problems.push(`Info.plist has ${embedded ?? 'no'} ASAR hash, app.asar's header is ${actual}`);
  if (!infoPlist.includes(`<string>${appId}</string>`)) problems.push(`CFBundleIdentifier is not ${appId}`);
  if (!existsSync(join(app, 'Contents/Resources/icon.icns'))) problems.push('Contents/Resources/icon.icns is missing');
  report('macOS: Info.plist embeds the hash of app.asar (ASAR integrity), the bundle id and the icon', problems);
  await reportFuses('macOS', app);
}

async function main(): Promise<void> {
  const started = Date.now();
  const packageJson = PackageJsonSchema.parse(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')));

  const config = await readBuilderConfig(root);
  const scripts = ['dist:mac', 'dist:win', 'dist:linux', 'pack:check'].filter((name) => !packageJson.scripts[name]);
  report('electron-builder.yml: release settings and referenced files', [
    ...configProblems(config, (path) => existsSync(join(root, path))),
    ...scripts.map((name) => `package.json has no "${name}" script`),
  ]);
  if (!existsSync(join(root, 'out/main/index.js'))) {
    report('built app in out/', ['out/main/index.js is missing: run `npm run build` first']);
    return;
  }

  const work = await mkdtemp(join(tmpdir(), 'artlab-pack-'));
  try {
    const stubDir = join(work, 'electron-dist');
    await writeStubElectron(stubDir);
    const outDir = join(work, 'dist');
    const builder = await run(join(root, 'node_modules/.bin/electron-builder'), [
      '--linux',
      'dir',
      '--publish',
      'never',
      `-c.electronDist=${stubDir}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${outDir}`,
    ]);
    const appDir = join(outDir, 'linux-unpacked');
    const asarPath = join(appDir, 'resources/app.asar');
    const built = builder.code === 0 && existsSync(asarPath);
    report(
      'electron-builder --linux dir against a stub Electron (schema-checked config)',
      built ? [] : [`electron-builder exited with ${String(builder.code)}:\n${builder.output.slice(-3000)}`],
    );
    if (!built) return;

    const paths = listPackage(asarPath, { isPack: false }).map((path) => path.replaceAll('\\', '/'));
    const mainBundles = paths.filter((path) => /^\/out\/main\/.*\.(?:js|mjs|cjs)$/.test(path));
    const importedByMain = new Set<string>();
    const secrets: string[] = [];
    for (const bundle of paths.filter((path) => /^\/out\/.*\.(?:js|mjs|cjs|html|css|json)$/.test(path))) {
      const text = extractFile(asarPath, bundle.slice(1)).toString('utf8');
      if (mainBundles.includes(bundle)) for (const name of bareImports(text)) importedByMain.add(name);
      for (const secret of secretsInText(text)) secrets.push(`${secret} in ${bundle}`);
    }
    const packages = new Set(paths.map((path) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1]));
    packages.delete(undefined);
    report(
      `app.asar: ${paths.length} entries, ${packages.size} production packages, main imports [${[...importedByMain].join(', ')}]`,
      [
        ...asarProblems({
          paths,
          devDependencies: Object.keys(packageJson.devDependencies),
          importedByMain: [...importedByMain],
          bundledIntoRenderer: BUNDLED_INTO_RENDERER,
        }),
        ...secrets,
      ],
    );
    const unpacked = join(appDir, 'resources/app.asar.unpacked/node_modules');
    report(
      'native modules unpacked beside app.asar',
      [
        ['better-sqlite3', 'better-sqlite3/build/Release/better_sqlite3.node'],
        ['sharp', 'sharp/package.json'],
      ]
        .filter(([, file]) => !existsSync(join(unpacked, file ?? '')))
        .map(([name]) => `${name ?? ''} is not in app.asar.unpacked`),
    );
    report(
      'tray icon shipped beside app.asar (extraResources)',
      existsSync(join(appDir, 'resources/tray-icon.png')) ? [] : ['resources/tray-icon.png is missing'],
    );

    await reportFuses('linux', join(appDir, packageJson.name));
    await checkMacApp(work, config.appId);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(
    `\n${failures.length === 0 ? 'PASS' : 'FAIL'}: packaging check in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(
    'Not checked here (needs downloads or macOS/Windows tools): dmg, NSIS and AppImage installers, signing, notarization, ' +
      'and whether a real Electron binary honours the fuses.',
  );
}

await main();
if (failures.length > 0) process.exitCode = 1;
