// `node --import register.mjs out/main/index.js`: `electron` becomes the compiled stand-in for both module systems,
// then the driver starts listening for the test's commands.
import Module, { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.ARTLAB_STAND_IN_DIR;
if (!dir) throw new Error('ARTLAB_STAND_IN_DIR names the folder of the compiled stand-in.');
const standIn = join(dir, 'electron.js');

// `import ... from 'electron'` (the main bundle, electron-store) goes through the loader hook.
register(new URL('./resolve-hook.mjs', import.meta.url), { data: { standInUrl: pathToFileURL(standIn).href } });

// `require('electron')` from CommonJS dependencies (electron-log, electron-updater) does not pass through loader hooks
// on Node 20, so the CommonJS resolver maps it too. Both paths land on the same file, hence the same module instance.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? standIn : resolveFilename.call(this, request, ...rest);
};

createRequire(import.meta.url)(join(dir, 'driver.js'));
