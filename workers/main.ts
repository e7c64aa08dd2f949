import { runMain } from '../src/lib/process';
import { startWorker } from './worker';

/** The worker process's entry point: `npm run start:worker` (`node dist/workers/main.js`). */
void runMain('worker', (config, logger) => startWorker(config, logger));
