export { registerStatsRoutes } from './stats.routes';
export { myStats } from './stats.service';
