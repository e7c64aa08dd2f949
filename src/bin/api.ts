import { startApiNode } from '../server';
import { runMain } from '../lib/process';

void runMain('api', (config, logger) => startApiNode(config, logger));
