import type { Api, AppContext } from '../../context';
import { StartTimerInput, StopResultSchema, StopTimerInput, TimerSchema, TimerStateSchema } from '../../shared/contract';
import { getTimer, startTimer, stopRunningTimer } from './timer.service';

/** `POST /timer/start`, `POST /timer/stop`, `GET /timer` (API.md "Timers and sessions"). */
export function registerTimerRoutes(api: Api, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/timer/start',
      summary: 'Start my study timer',
      tags: ['Timers'],
      body: StartTimerInput,
      response: TimerSchema,
      status: 201,
      errors: [404, 409],
    },
    ({ user, body }) => startTimer(ctx, user, { groupId: body.groupId ?? null }),
  );
  api.route(
    {
      method: 'post',
      path: '/timer/stop',
      summary: 'Stop my study timer',
      tags: ['Timers'],
      body: StopTimerInput,
      response: StopResultSchema,
      errors: [409],
      // Never refused by the write limit: a stop only ends what a (limited) start began.
      unlimited: true,
    },
    ({ user, body }) => stopRunningTimer(ctx, user, { notes: body.notes ?? null }),
  );
  api.route({ method: 'get', path: '/timer', summary: 'My running timer', tags: ['Timers'], response: TimerStateSchema }, async ({ user }) => ({
    timer: await getTimer(ctx, user),
  }));
}
