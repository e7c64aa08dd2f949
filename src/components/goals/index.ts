export * from './goals.rules';
export { recordDailyGoal, recordDailyGoals, type DailyGoalInput } from './goals.service';
