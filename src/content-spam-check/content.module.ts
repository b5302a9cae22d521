import { Inject, Injectable, Module } from '@nestjs/common';
import { CheckQueueProcessor } from '../checks/check-queue.processor';
import { ChecksModule } from '../checks/checks.module';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { setContentInputBound } from './content.config';
import { ContentKind } from './content.kind';

/** Applies CONTENT_MAX_BYTES to the input validators at boot (they are decorated before any config exists). */
@Injectable()
export class ContentInputBound {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    setContentInputBound(config.content.maxBytes);
  }
}

/** Content spam check (issue 5): kind `content` on the `content` queue. Settings: the `content` slice (CONTENT_*). */
@Module({
  imports: [ChecksModule],
  providers: [ContentKind, CheckQueueProcessor('content'), ContentInputBound],
})
export class ContentSpamCheckModule {}
