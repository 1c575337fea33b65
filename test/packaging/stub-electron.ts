// A stand-in Electron distribution for packaging without the real binary (which cannot be downloaded here).
// The executable is a shell script followed by the fuse sentinel and a fuse wire with Electron's own defaults, laid
// out as in a real Electron binary: @electron/fuses finds, flips and reads it the same way. It proves that the hook
// runs on the packed file and writes the intended wire; it cannot prove that Electron honours the fuses.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron's default wire (fuse version 1), in FuseV1Options order: RunAsNode on, cookie encryption off,
 * NODE_OPTIONS on, --inspect on, ASAR integrity off, only-ASAR off, browser V8 snapshot off, file:// privileges on,
 * Wasm trap handlers on. '1' and '0' are the ASCII bytes the binary stores.
 */
export const ELECTRON_DEFAULT_WIRE = '101100011';

export async function writeStubElectron(dir: string, wire = ELECTRON_DEFAULT_WIRE): Promise<string> {
  await mkdir(dir, { recursive: true });
  const executable = join(dir, 'electron');
  const script = '#!/bin/sh\necho "stub Electron for packaging checks; it cannot run the app" >&2\nexit 1\n';
  const body = Buffer.concat([
    Buffer.from(script),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, wire.length]),
    Buffer.from(wire, 'ascii'),
    Buffer.from('\n'),
  ]);
  await writeFile(executable, body, { mode: 0o755 });
  // electron-builder copies these from a real distribution; they are not needed to pack but keep the layout honest.
  await writeFile(join(dir, 'LICENSE'), 'stub\n');
  await writeFile(join(dir, 'version'), 'stub\n');
  return executable;
}

const plist = (entries: Record<string, string>) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  '<plist version="1.0">\n<dict>\n' +
  Object.entries(entries)
    .map(([key, value]) => `  <key>${key}</key><string>${value}</string>\n`)
    .join('') +
  '</dict>\n</plist>\n';

/**
 * A stand-in `Electron.app` with the parts electron-builder edits: Info.plist, the main executable, the generic
 * helper app, and the framework binary that carries the fuse wire on macOS.
 */
export async function writeStubElectronApp(dir: string, wire = ELECTRON_DEFAULT_WIRE): Promise<void> {
  const contents = join(dir, 'Electron.app', 'Contents');
  const helper = join(contents, 'Frameworks', 'Electron Helper.app', 'Contents');
  const framework = join(contents, 'Frameworks', 'Electron Framework.framework');
  for (const folder of [join(contents, 'MacOS'), join(contents, 'Resources'), join(helper, 'MacOS'), framework]) {
    await mkdir(folder, { recursive: true });
  }
  const script = '#!/bin/sh\nexit 1\n';
  const bundle = { CFBundlePackageType: 'APPL', CFBundleIdentifier: 'com.github.Electron' };
  await writeFile(
    join(contents, 'Info.plist'),
    plist({ ...bundle, CFBundleExecutable: 'Electron', CFBundleName: 'Electron' }),
  );
  await writeFile(join(contents, 'MacOS', 'Electron'), script, { mode: 0o755 });
  await writeFile(join(helper, 'Info.plist'), plist({ ...bundle, CFBundleExecutable: 'Electron Helper' }));
  await writeFile(join(helper, 'MacOS', 'Electron Helper'), script, { mode: 0o755 });
  await writeFile(
    join(framework, 'Electron Framework'),
    Buffer.concat([Buffer.from('stub'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, wire.length]), Buffer.from(wire)]),
  );
}
