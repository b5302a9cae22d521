import { KindCatalog, kindsOf } from '../../src/checks/kind-catalog';
import { DIAGNOSTIC_MODULES } from '../../src/diagnostic-modules';

/** The kinds the service registers (read from its modules, as the CLI does), for tests that enumerate them. */
export const CHECK_KINDS = kindsOf(DIAGNOSTIC_MODULES);
const catalog = new KindCatalog(CHECK_KINDS);
export const getKind = (name: string) => catalog.get(name);
