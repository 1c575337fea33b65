// electron-builder afterPack hook: flips the fuses in the packed binary. It runs before signing, which must come
// after any change to the binary.
import { flipFuses } from '@electron/fuses';
import { fuseConfig, packedExecutable } from './fuses.mjs';

const ARM64 = 3; // builder-util's Arch.arm64

export default async function afterPack(context) {
  const executable = packedExecutable(context);
  const flipped = await flipFuses(executable, {
    ...fuseConfig,
    // Apple silicon refuses to run a binary whose ad-hoc signature no longer matches; re-sign it ad hoc (the
    // real signature, when an identity is configured, is applied afterwards).
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARM64,
  });
  console.log(`  • fuses flipped in ${executable} (${flipped} fuse wire${flipped === 1 ? '' : 's'})`);
}

export { afterPack };
