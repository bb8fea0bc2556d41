// ESLint flat config. Besides typescript-eslint's recommended rules, it enforces the import
// direction of DESIGN.md: harness → scenarios → client → common, server → common, and the
// store is reached only by process entries (server/main.ts) and the harness; examples/ sees
// only the public entry.
import tseslint from 'typescript-eslint';

/** @param {string[]} folders @returns {{regex: string, message: string}[]} */
const forbid = (folders) =>
  folders.map((f) => ({
    regex: `(^|/)${f}/`,
    message: `Import direction (DESIGN.md): this folder must not import from ${f}/.`,
  }));

const boundary = (files, folders, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns: forbid(folders) }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  boundary(['common/**'], ['server', 'client', 'scenarios', 'harness', 'store']),
  boundary(['store/**'], ['server', 'client', 'scenarios', 'harness']),
  boundary(['server/**'], ['client', 'scenarios', 'harness', 'store'], ['server/main.ts']),
  boundary(['server/main.ts'], ['client', 'scenarios', 'harness']),
  boundary(['client/**'], ['server', 'scenarios', 'harness', 'store']),
  boundary(['scenarios/**'], ['server', 'harness', 'store']),
  boundary(['harness/**'], ['server', 'client']),
  // The example is what a user writes: it may import only the public entry ('rol-soak', index.ts).
  boundary(['examples/**'], ['common', 'server', 'client', 'scenarios', 'harness', 'store']),
);
