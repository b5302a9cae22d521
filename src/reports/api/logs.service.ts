/** Placeholder until the streaming log analyzer lands in src/reports/logs. */
export class LogsService {
  constructor(readonly maxBytes: number) {}
}
