// ESLint flat config for Bird.
//
// - typescript-eslint `recommended` (syntax-only, no type information needed)
//   plus `no-explicit-any` as an error.
// - Stage layering of src/: a stage may import itself and earlier stages, never
//   a later one, and no backend imports another (import-x/no-restricted-paths).
// - No import cycles inside src/ (import-x/no-cycle).
//
// Imports are resolved with import-x's built-in node resolver (unrs-resolver);
// `extensionAlias` maps the `.js` specifiers that NodeNext requires onto the
// `.ts` sources, so no extra resolver package is needed.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

// The stages of src/, in processing order. A stage may import only itself and
// the stages listed before it. Folders that do not exist yet are still listed
// so the rule is in force the moment they are created.
const STAGES = [
  'source',
  'diagnostics',
  'syntax',
  'tensor',
  'semantic',
  'ops',
  'ir',
  'backends/tfjs',
  'backends/onnx',
  'backends/torch',
  'artifact',
  'data',
  'train',
  'serve',
  'pipeline',
  'cli',
];

// One zone per (stage, later stage) pair so the message names the exact stage
// that was imported. Semantically this is the same as one zone per stage with
// `from` = every later stage's folder.
const layeringZones = STAGES.flatMap((stage, i) =>
  STAGES.slice(i + 1).map((later) => ({
    target: `./src/${stage}`,
    from: `./src/${later}`,
    message: `stage \`${stage}\` may not import the later stage \`${later}\`.`,
  })),
);

// The backends are siblings: each lowers the IR its own way, and none may import
// another (what two backends share belongs in `ir/` or earlier). Every folder under
// src/backends/ is covered, listed in STAGES or not.
const backendFolders = [
  ...new Set([
    ...STAGES.filter((s) => s.startsWith('backends/')).map((s) => s.slice('backends/'.length)),
    ...readdirSync(path.join(ROOT, 'src/backends'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name),
  ]),
];
const backendZones = backendFolders.map((backend) => ({
  target: `./src/backends/${backend}`,
  from: './src/backends',
  except: [`./${backend}`],
  message: `backend \`${backend}\` may not import another backend; share through \`ir/\` or an earlier stage.`,
}));

// cli/ parses arguments, calls the pipeline and prints: it may import only `pipeline/`,
// `diagnostics/`, `source/` and its own files (issue 11). What the CLI needs from an
// earlier stage, the pipeline exposes (`pipeline/choices.ts` for the flags' choices).
const CLI_MAY_IMPORT = ['cli', 'pipeline', 'diagnostics', 'source'];
const cliZones = STAGES.filter((s) => !CLI_MAY_IMPORT.includes(s) && !s.startsWith('backends/'))
  .concat(['backends'])
  .map((stage) => ({
    target: './src/cli',
    from: `./src/${stage}`,
    message: `\`cli/\` may import only ${CLI_MAY_IMPORT.map((s) => `\`${s}/\``).join(', ')}; call \`${stage}/\` through a \`pipeline/\` entry point.`,
  }));

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'grammar/',
      'src/syntax/cst.ts', // generated
    ],
  },

  {
    files: TS_FILES,
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },

  {
    files: TS_FILES,
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': {
        '@typescript-eslint/parser': ['.ts', '.mts', '.cts'],
      },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.node'],
          extensionAlias: {
            '.js': ['.ts', '.js'],
            '.mjs': ['.mts', '.mjs'],
            '.cjs': ['.cts', '.cjs'],
          },
        }),
      ],
    },
  },

  // Layering and cycles apply to the compiler sources only; test/ and bench/
  // may import anything under src/.
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: ROOT, zones: [...layeringZones, ...backendZones] },
      ],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },

  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: ROOT, zones: [...layeringZones, ...backendZones, ...cliZones] },
      ],
    },
  },
);
