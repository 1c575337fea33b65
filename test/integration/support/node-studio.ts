// A Studio built as the CLI and the browser demo build it (Node adapters, a key file, a conf store in `dataDir`), for
// tests that drive the whole app through its contract; `extra` adds or replaces adapters (presence, tuning).
import { join } from 'node:path';
import { systemClock } from '../../../main/adapters';
import { createNodeStore } from '../../../main/node-adapters';
import { KeyFileEncryptor } from '../../../main/services/key-file-encryptor';
import { createStudio, type Studio, type StudioAdapters } from '../../../main/studio';

export function nodeStudio(dataDir: string, extra: Partial<StudioAdapters> = {}): Studio {
  return createStudio({
    paths: { dataDir },
    clock: systemClock,
    encryptor: new KeyFileEncryptor(join(dataDir, 'secret.key')),
    store: createNodeStore(dataDir),
    app: { name: 'ArtLab Desktop', version: '0.0.0', platform: 'linux', transport: 'browser' },
    // Coalesced job and gallery events every 20 ms: tests wait for them.
    dispatch: { eventIntervalMs: 20 },
    ...extra,
  });
}
