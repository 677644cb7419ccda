export {
  KeyPool,
  type KeyPoolFromEnvOptions,
  type KeyPoolOptions,
} from './key-pool.js';
export { attachReports, type Reporting, type ReportingOptions } from './reporting.js';
