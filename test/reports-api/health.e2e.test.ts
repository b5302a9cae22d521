import { describeHealth } from './health.suite';

describeHealth('sqlite');
