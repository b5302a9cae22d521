import { Module } from '@nestjs/common';
import { CheckQueueProcessor } from '../checks/check-queue.processor';
import { ChecksModule } from '../checks/checks.module';
import { MxKind } from '../mx/mx.kind';
import { DnsKind } from './dns.kind';

/** DNS (issue 3): kinds `mx` and `dns` on the `dns` queue. Settings: the `dnsAudit` slice (the resolver's are infra's). */
@Module({
  imports: [ChecksModule],
  providers: [MxKind, DnsKind, CheckQueueProcessor('dns')],
})
export class DnsModule {}
