// Module boundaries, checked by `npm run lint` (depcruise src --config .dependency-cruiser.cjs).
// Paths are relative to the repository root; npm packages resolve under node_modules/.

/** Drivers: only src/infra talks to Redis, queues, SQL and worker pools. */
const DRIVERS = '(^|/)node_modules/(@types/)?(bullmq|ioredis|kysely|pg|better-sqlite3|piscina)/';

/**
 * Engines: the pure checking code (plain TypeScript on injected ports). The Nest wiring that lives
 * next to them (module, kind provider, queue processor, and the input/model classes that carry
 * @InputType/@ApiProperty decorators) is not an engine.
 */
const ENGINES = [
  '^src/.+\\.(engine|check)\\.ts$',
  '^src/(dns|probe|mx|content-spam-check|reports/(explain|bounces|logs))/',
];
const WIRING = '\\.(module|kind|processor|input|model|resolver|controller)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter (Nest providers undefined at decoration time) and blur layers.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engines-no-nest',
      severity: 'error',
      comment: 'Engines are plain TypeScript on injected ports; Nest belongs to the wiring next to them.',
      from: { path: ENGINES, pathNot: WIRING },
      to: { path: '(^|/)node_modules/@nestjs/' },
    },
    {
      name: 'engines-no-drivers',
      severity: 'error',
      comment: 'Engines reach I/O only through ports (src/infra provides them).',
      from: { path: ENGINES },
      to: { path: DRIVERS },
    },
    {
      name: 'drivers-only-in-infra',
      severity: 'error',
      comment: 'Only src/infra imports drivers (types included: take them from src/infra).',
      from: { path: '^src/', pathNot: '^src/infra/' },
      to: { path: DRIVERS },
    },
    {
      name: 'redis-client-only-in-infra',
      severity: 'error',
      comment:
        'Feature modules reach Redis through the stores of src/infra (limits, queue, event bus), never through the client or its connections.',
      from: { path: '^src/', pathNot: '^src/infra/' },
      to: { path: '^src/infra/queue/redis\\.factory\\.ts$' },
    },
    {
      name: 'src-not-to-test-or-bench',
      severity: 'error',
      comment: 'Shipped code never depends on tests or benchmarks.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` too: a type from a driver still couples the file to it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
    exclude: { path: '\\.d\\.ts$' },
  },
};
