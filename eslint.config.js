// Lint rules, including the process boundary (DESIGN.md rule 1) and the layers of main/: a machine checks them, not
// memory. `npm run imports` prints the folder-level picture these rules describe.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';

// The layers. eslint-plugin-boundaries matches its "elements" by folder, and four layers here are single files at the
// top of main/ or preload/, so every file is classified through the file layer ('boundaries/files') instead: one
// category per file, named for its layer, or for its room where rooms of one layer differ in what they may import.
const layers = [
  { category: 'shell', pattern: ['main/index.ts', 'main/electron/**', 'preload/index.ts'] },
  { category: 'contract', pattern: 'preload/contract.ts' },
  { category: 'schemas', pattern: 'preload/schemas/**' },
  { category: 'studio', pattern: ['main/studio.ts', 'main/node-adapters.ts', 'main/presence*.ts'] },
  // Main-side reactions between domains (services.changed, result.stored): domains publish and subscribe.
  { category: 'bus', pattern: 'main/domain-bus.ts' },
  // The renderer-facing event hub: domains emit contract events through it (parsed by their schema on the way out).
  { category: 'hub', pattern: 'main/contract/event-hub.ts' },
  { category: 'settings', pattern: 'main/settings.ts' },
  // The ports the core is built from (Clock, Paths, KeyValueStore): interfaces every layer may name, like errors.ts.
  { category: 'ports', pattern: 'main/adapters.ts' },
  { category: 'transport', pattern: ['main/browser/**', 'main/contract/**'] },
  { category: 'cli', pattern: 'main/cli/**' },
  { category: 'handlers', pattern: 'main/handlers/**' },
  ...['services', 'workflows', 'batches', 'ledger', 'dispatch', 'gallery', 'updates', 'diagnostics'].map((room) => ({
    category: room,
    pattern: `main/${room}/**`,
  })),
  ...['editions', 'oss', 'comfy', 'lifecycle', 'cost'].map((room) => ({ category: room, pattern: `main/${room}/**` })),
  { category: 'leaf', pattern: ['main/errors.ts', 'main/log/**', 'main/typed-emitter.ts'] },
  { category: 'renderer', pattern: 'renderer/**' },
  { category: 'test', pattern: 'test/**' },
];
const domains = ['services', 'workflows', 'batches', 'ledger', 'dispatch', 'gallery', 'updates', 'diagnostics'];
const lower = ['editions', 'oss', 'comfy', 'lifecycle', 'cost'];
const leaves = ['leaf', 'ports'];
// What every domain may name besides the lower rooms: the contract's types and schemas, the event hub it emits
// renderer events through, and the domain bus.
const domainShared = ['contract', 'schemas', 'hub', 'bus'];

const fromLayer = (categories) => ({ file: { categories } });
const may = (from, to) => ({ from: fromLayer(from), allow: { to: fromLayer(to) } });

// Last matching policy wins, so the bans at the end cannot be undone by an allowance above them.
const layerPolicies = [
  // Packages and Node built-ins are open to every layer, except electron (below).
  { allow: { to: { module: { origin: ['external', 'core'] } } } },
  // Every file may import its own layer (a room its own files).
  ...layers.map(({ category }) => may(category, category)),
  may('shell', ['studio', 'transport', 'contract', 'schemas', ...leaves]),
  // The Electron adapters implement ports that these rooms declare (Encryptor, GalleryHost, DiagnosticsHost, Updater).
  may('shell', ['services', 'gallery', 'diagnostics', 'updates']),
  may('studio', ['handlers', ...domains, ...lower, ...leaves, ...domainShared, 'settings', 'transport']),
  may('transport', ['contract', 'schemas', 'hub', ...leaves]),
  may('hub', ['contract', 'schemas']),
  may('settings', ['schemas', ...leaves]),
  // The bus names what it carries (a stored result) in the words of the room that reports it.
  may('bus', ['dispatch', 'editions', ...leaves]),
  // The browser bridge builds its Studio as main/index.ts does, and serves media the same way.
  { from: { file: { path: 'main/browser/**' } }, allow: { to: fromLayer(['studio', 'services', 'gallery']) } },
  may('cli', ['studio', 'handlers', 'contract', 'schemas', ...lower, ...leaves]),
  may('cli', ['services', 'ledger']),
  may('handlers', [...domains, ...lower, ...leaves, ...domainShared, 'settings']),
  may(domains, [...lower, ...leaves, ...domainShared]),
  // Rooms of the same layer that import each other today.
  may('batches', ['ledger']),
  may('dispatch', ['batches', 'ledger', 'services', 'workflows']),
  may('gallery', ['ledger', 'services']),
  may('workflows', ['ledger']),
  may(lower, [...lower, ...leaves, 'schemas']),
  may('contract', ['schemas']),
  may('renderer', ['contract', 'schemas']),
  may(
    'test',
    layers.map(({ category }) => category),
  ),
  {
    from: { file: { categories: '!shell' } },
    disallow: { to: { module: { source: 'electron' } } },
    message: 'Only main/index.ts, main/electron/ and preload/index.ts import electron (DESIGN.md rule 1).',
  },
  {
    from: { file: { categories: '!test' } },
    disallow: { to: fromLayer('test') },
    message: 'main/, preload/ and renderer/ never import test/: the simulator and fixtures stay out of the app.',
  },
];

const electronOnlyHere = ['main/index.ts', 'main/electron/**', 'preload/**'];

// Everything that decides who may import what; exported so that a test can run exactly these rules on planted code.
export const importBoundaries = [
  {
    files: ['main/**/*.{ts,mts,mjs}', 'preload/**/*.ts', 'renderer/**/*.{ts,tsx}', 'test/**/*.{ts,tsx,mts,mjs}'],
    plugins: { boundaries },
    settings: {
      'boundaries/files': layers,
      // Patterns are relative to the repository, whatever directory ESLint was started from.
      'boundaries/root-path': import.meta.dirname,
      // Imports are extensionless TypeScript paths; without these the resolver finds nothing and checks nothing.
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.json'] } },
    },
    rules: {
      // Every source file belongs to a layer: a new file or folder has to be placed before it can lint clean.
      'boundaries/no-unknown-files': 'error',
      // checkAllOrigins: packages are checked too (for electron). checkUnknownLocals: a local import of a file no
      // layer claims is an error, so a new folder under main/ needs a layer before anything can import it.
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', checkAllOrigins: true, checkUnknownLocals: true, policies: layerPolicies },
      ],
    },
  },
  // The process boundary again, by name, with messages that say where electron belongs.
  {
    files: ['main/**/*.ts'],
    ignores: electronOnlyHere,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only main/index.ts, main/electron/ and preload/ may import electron.' },
          ],
          patterns: [{ group: ['**/renderer/**', '**/renderer'], message: 'main/ never imports the renderer.' }],
        },
      ],
    },
  },
  {
    // Tests run in plain Node or Chromium, never in Electron. Component tests may import the renderer.
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Tests never need Electron (DESIGN.md rule 1).' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through window.artlab.' }],
          patterns: [{ group: ['**/main/**', '**/main'], message: 'The renderer never imports from main/.' }],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*_pb.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  ...importBoundaries,
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: reactHooks.configs.recommended.rules,
  },
);
