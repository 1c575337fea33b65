// The packaging decisions that can be checked in milliseconds; `npm run pack:check` packs a real app.asar.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asarProblems, bareImports, packageOfSpecifier, secretsInText } from '../../packaging/asar-policy';
import { configProblems, readBuilderConfig } from '../../packaging/builder-config';

const root = resolve(import.meta.dirname, '../../..');

describe('electron-builder.yml', () => {
  it('holds the release decisions and names only files that exist', async () => {
    const config = await readBuilderConfig(root);
    expect(configProblems(config, (path) => existsSync(join(root, path)))).toEqual([]);
  });

  it('reports a per-machine installer and a missing architecture', async () => {
    const config = await readBuilderConfig(root);
    const broken = {
      ...config,
      win: { ...config.win, target: [{ target: 'nsis', arch: ['x64' as const] }] },
    };
    expect(configProblems(broken, () => true)).toEqual(['Windows NSIS must be built for x64 and arm64']);
  });
});

describe('the fuses flipped after packing', () => {
  it('turn off RunAsNode, NODE_OPTIONS and --inspect, and turn on ASAR integrity, only-ASAR and cookie encryption', async () => {
    const module: unknown = await import(pathToFileURL(join(root, 'assets/build/fuses.mjs')).href);
    const { fuseConfig } = z.object({ fuseConfig: z.record(z.string(), z.unknown()) }).parse(module);
    expect(fuseConfig).toEqual({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
  });
});

describe('what app.asar may hold', () => {
  const good = [
    '/package.json',
    '/out',
    '/out/main/index.js',
    '/out/preload/index.cjs',
    '/out/renderer/index.html',
    '/node_modules',
    '/node_modules/zod',
    '/node_modules/zod/index.js',
    '/node_modules/@bufbuild/protobuf/dist/index.js',
  ];
  const facts = { devDependencies: ['vitest'], importedByMain: ['zod'], bundledIntoRenderer: ['react'] };

  it('accepts the bundles, package.json and the production packages main imports', () => {
    expect(asarProblems({ ...facts, paths: good })).toEqual([]);
  });

  it('refuses sources, source maps, tests, secrets, dev and renderer packages, and a missing import', () => {
    const problems = asarProblems({
      ...facts,
      importedByMain: ['zod', 'undici'],
      paths: [
        ...good,
        '/main/studio.ts',
        '/out/main/index.js.map',
        '/test/unit/a.test.js',
        '/node_modules/zod/tests/x.js',
        '/.env',
        '/node_modules/vitest/index.js',
        '/node_modules/react/index.js',
      ],
    });
    expect(problems).toEqual([
      'not part of the app: /main/studio.ts',
      'source file: /main/studio.ts',
      'source map: /out/main/index.js.map',
      'not part of the app: /test/unit/a.test.js',
      'test folder: /test/unit/a.test.js',
      'test folder: /node_modules/zod/tests/x.js',
      'not part of the app: /.env',
      'possible secret: /.env',
      'development dependency shipped: vitest',
      'shipped twice (already in the renderer bundle): react',
      'main imports undici but it is not in app.asar',
    ]);
  });

  it('reads bare imports from a bundle, leaving builtins, relative paths and electron out', () => {
    const bundle = `import { z } from "zod";\nimport log from 'electron-log/main';\nimport { app } from "electron";
      import { join } from "node:path";\nimport fs from "fs";\nimport "./chunk.js";\nconst u = await import("@scope/pkg/deep");`;
    expect(bareImports(bundle)).toEqual(['@scope/pkg', 'electron-log', 'zod']);
    expect(packageOfSpecifier('electron')).toBeUndefined();
  });

  it('finds private keys and AccessKey IDs in shipped text', () => {
    expect(secretsInText('-----BEGIN RSA PRIVATE KEY-----')).toEqual(['a private key']);
    expect(secretsInText('const id = "LTAI5tAbCdEfGhIjKlMn"')).toEqual(['an Alibaba Cloud AccessKey ID']);
    expect(secretsInText('const token = props.token')).toEqual([]);
  });
});

describe('the icon set', () => {
  it('has PNGs from 16 to 1024 pixels rendered from the SVG mark', async () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const meta = await sharp(join(root, `assets/icons/${size}x${size}.png`)).metadata();
      expect([meta.width, meta.height]).toEqual([size, size]);
    }
  });

  it('has an .ico with 16..256 px entries and an .icns whose length matches its header', async () => {
    const ico = await readFile(join(root, 'assets/icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const widths = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(widths).toEqual([16, 24, 32, 48, 64, 128, 256]);

    const icns = await readFile(join(root, 'assets/icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4)) {
      types.push(icns.toString('ascii', offset, offset + 4));
    }
    expect(types).toContain('ic10'); // 1024 px, the Retina 512
  });
});
