import { startApiNode } from '../server';
import { runMain } from './main';

void runMain('api', (config, logger) => startApiNode(config, logger));
