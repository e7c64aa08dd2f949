export { registerLeaderboardRoutes } from './leaderboard.routes';
export { getLeaderboard, getLeaderboardAround, requestRebuild } from './leaderboard.service';
export { rebuildBoards, refreshBoards, refreshUserBoards, boardsMissing } from './leaderboard.store';
export * from './leaderboard.rules';
