import type { CheckKindDefinition } from '../checks/check-kind';
import { CheckKind } from '../checks/check-kind.decorator';
import { DNS_RESOLVER } from '../infra/ports.tokens';
import { auditMx, mxOutcome, type MxResult } from './mx.engine';
import { MX_FINDINGS } from './mx.findings';
import { MxCheckInput } from './mx.input';

/** Kind `mx`: the first kind, proving the whole pipe (issue 2). */
export const mxKind: CheckKindDefinition<MxCheckInput, MxResult> = {
  name: 'mx',
  description: 'Resolve the MX records of a domain and their addresses.',
  queue: 'dns',
  inputClass: MxCheckInput,
  target: (input) => input.domain,
  findings: Object.values(MX_FINDINGS),
  async run(input, ctx) {
    ctx.progress(10, 'mx lookup');
    const { result, findings } = await auditMx(input.domain, ctx.ports.dns);
    return { ...mxOutcome(findings, result.status), result };
  },
  cli: { usage: 'mx <domain>', toInput: (target) => ({ domain: target }) },
};

/** Registered by DnsModule (queue `dns`). */
@CheckKind(mxKind, { ports: [DNS_RESOLVER] })
export class MxKind {}
