/**
 * The REST body of a submitted check, `{ kind, ...input }`: one schema per registered kind, chosen
 * by `kind`. Filled at boot from the registry (kind-contracts.ts) before the OpenAPI document is
 * made; the controllers reference this object in their @ApiBody.
 */
export const SUBMIT_SCHEMA: { oneOf: object[] } = { oneOf: [] };
