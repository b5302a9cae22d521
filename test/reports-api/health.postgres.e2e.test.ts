import { describeHealth } from './health.suite';

// The same health/report/history/webhook flow with PostgreSQL storage.
describeHealth('postgres');
