/** Nest injection token for the composition root (see src/platform.ts). */
export const PLATFORM = Symbol('PLATFORM');
