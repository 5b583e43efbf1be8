export { startDemoApi, DEFAULT_DB_PATH } from './demo-api';
export type { AccessTokenClaims, RunningDemoApi, StartDemoApiOptions } from './types';
