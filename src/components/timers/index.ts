export { getTimer, startTimer, stopTimer, stopRunningTimer, recoverPendingStops, startStopRecovery } from './timer.service';
export { registerTimerRoutes } from './timer.routes';
export { registerTimerHandlers } from './timer.handlers';
export { readTimers } from './timer.store';
export type { StoredTimer } from './timer.rules';
