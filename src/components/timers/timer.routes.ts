import type { Api, AppContext } from '../../context';
import { StartTimerInput, StopResultSchema, StopTimerInput, TimerSchema, TimerStateSchema } from '../../shared/contract';
import { getTimer, pauseOrResume, startTimer, stopRunningTimer } from './timer.service';

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
    ({ user, body }) =>
      startTimer(ctx, user, { groupId: body.groupId ?? null, subject: body.subject ?? null, mode: body.mode, pomodoro: body.pomodoro ?? null }),
  );
  for (const action of ['pause', 'resume'] as const) {
    api.route(
      {
        method: 'post',
        path: `/timer/${action}`,
        summary: action === 'pause' ? 'Pause my study timer' : 'Resume my paused study timer',
        tags: ['Timers'],
        response: TimerSchema,
        errors: [409],
      },
      ({ user }) => pauseOrResume(ctx, user, action),
    );
  }
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
