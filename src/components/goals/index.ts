export * from './goals.rules';
export { recordDailyGoal, type DailyGoalInput } from './goals.service';
