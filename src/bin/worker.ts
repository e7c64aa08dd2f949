import { startWorker } from '../../workers/worker';
import { runMain } from './main';

void runMain('worker', (config, logger) => startWorker(config, logger));
