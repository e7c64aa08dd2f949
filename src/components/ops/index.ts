export { createOpsRouter, documentOpsRoutes } from './ops.routes';
export { readinessResponse } from './readiness';
