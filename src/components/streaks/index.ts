export * from './streak.rules';
export { recomputeStreak } from './streak.service';
