// @ts-check
// ESLint flat config. Formatting is Prettier's job (eslint-config-prettier turns off every rule
// that would fight it); this config is about correctness, with type information from tsconfig.json.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'openapi/*',
      '!openapi/schema.graphql',
      'test/fixtures/**',
      'helm/**',
      'docker/**',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,

  // TypeScript: src, test, bench and the vitest config.
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Promises: recommendedTypeChecked already has no-floating-promises, no-misused-promises and
      // await-thenable as errors; spelled out because the style guide requires them.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Every switch over a union names each member, or says `default:` on purpose.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // `_`-prefixed names are deliberately unused (destructuring a field out of a rest, ignored args).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // The code writes `xs[i]!` / `m[1]!` on indexed access as if noUncheckedIndexedAccess were on
      // (the `!` records that the bound was checked). With the option off the rule reports all 283 of
      // them as unnecessary; removing them would lose that record. Re-enable together with
      // noUncheckedIndexedAccess (97 type errors to fix today).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `async` without `await` is how ports return promises: a synchronous throw becomes a
      // rejection, which is what callers handle. Dropping `async` would change that.
      '@typescript-eslint/require-await': 'off',
      // The SPF evaluator unwinds a lookup tree with a small result-carrying Abort (not an Error:
      // no stack is captured per permerror); it never escapes the evaluator.
      '@typescript-eslint/only-throw-error': [
        'error',
        { allow: [{ from: 'file', name: 'Abort', path: 'src/dns/spf.eval.ts' }] },
      ],
    },
  },

  // Tests: supertest's `res.body`, JSON.parse and GraphQL responses are `any` by design, and the
  // assertions are what check their shape; typing every response would only add casts.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },

  // Packaging tests walk parsed YAML/JSON documents (compose file, chart values and schema) freely.
  {
    files: ['test/packaging/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // Plain JavaScript: Node CommonJS scripts and the browser sources served from web/.
  {
    files: ['bin/**/*.js', 'scripts/**/*.cjs', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['web/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },

  // The generated GraphQL SDL (npm run openapi): graphql-eslint's schema-recommended rules.
  {
    files: ['openapi/schema.graphql'],
    languageOptions: {
      parser: graphqlPlugin.parser,
      parserOptions: { graphQLConfig: { schema: 'openapi/schema.graphql' } },
    },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      ...graphqlPlugin.configs['flat/schema-recommended'].rules,
      // Every operation (Query/Mutation/Subscription field) and directive must be described; object and
      // input types need not be: 43 of them are plain records whose fields name themselves, described
      // in their REST twins (OpenAPI models). Turn `types` on once they carry @ObjectType descriptions.
      '@graphql-eslint/require-description': ['error', { rootField: true, DirectiveDefinition: true }],
      // Entities carry `id: ID!` (clients like Apollo and Relay normalise by it). These are values,
      // not entities: answers of an analysis, pages, counts, parts of a report, catalog entries keyed by
      // `code`. A new type without an id must be added here on purpose.
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          acceptedIdNames: ['id'],
          acceptedIdTypes: ['ID'],
          exceptions: {
            suffixes: ['Page', 'Analysis', 'Counts'],
            types: [
              'BounceRecipient',
              'Diagnosis',
              'DomainHistory',
              'DomainSources',
              'Explanation',
              'Finding',
              'FindingDefinition',
              'HealthArea',
              'HealthFinding',
              'HealthHistoryPoint',
              'HealthReport',
              'LogPattern',
              'MonitorChannels',
              'MonitorEvent',
              'MonitorKindState',
              'MonitorRun',
              'ReportAddress',
              'SendingSource',
              'SkippedDiagnosis',
            ],
          },
        },
      ],
    },
  },

  prettier,
);
