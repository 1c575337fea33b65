// The Electron fuses the packaged app ships with (Signal-Desktop's set, STYLE.md). Shared by the afterPack hook and
// the packaging check, so the check reads back exactly what the hook wrote.
import { join } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** Fuses not named here keep Electron's default (GrantFileProtocolExtraPrivileges stays on: the UI loads from file://). */
export const fuseConfig = {
  version: FuseVersion.V1,
  // `ELECTRON_RUN_AS_NODE=1 ArtLab` would otherwise be a signed Node interpreter.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Effective on macOS and Windows, where electron-builder embeds the archive's hash.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** The fuse-bearing file of a packed app, as electron-builder lays it out for each platform. */
export function packedExecutable(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}
