export { createOpsRouter } from './ops.routes';
export { readinessResponse } from './readiness';
