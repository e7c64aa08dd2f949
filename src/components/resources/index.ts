export { registerResourceRoutes } from './resources.routes';
