export {
  getTimer,
  startTimer,
  pauseOrResume,
  timerTick,
  stopTimer,
  stopRunningTimer,
  stopStaleTimers,
  recoverPendingStops,
  startStopRecovery,
} from './timer.service';
export { registerTimerRoutes } from './timer.routes';
export { timerSocketModule, startSocketLiveness } from './timer.handlers';
export { timersRead } from './timer.store';
export { storedTimer, toTimerDto, type StoredTimer } from './timer.rules';
