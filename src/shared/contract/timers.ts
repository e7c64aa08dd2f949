import { SESSION_MODES, TIMER_STATES } from '../enums';
import { IdValue } from './primitives';
import { SessionSchema } from './sessions';
import { z } from './zod';

/** The study timer over REST and the socket (docs/API.md "Timers and sessions"). */

const Minutes = z.number().int().min(1).max(180);

/** Pomodoro settings (issue 15); every field optional on input, defaults 25/5/15/4. */
export const PomodoroSettingsInput = z
  .object({
    focusMinutes: Minutes.default(25),
    breakMinutes: Minutes.default(5),
    longBreakMinutes: Minutes.default(15),
    cyclesBeforeLongBreak: z.number().int().min(1).max(12).default(4),
  })
  .strict();

export const PomodoroSettingsSchema = z
  .object({
    focusMinutes: z.number().int(),
    breakMinutes: z.number().int(),
    longBreakMinutes: z.number().int(),
    cyclesBeforeLongBreak: z.number().int(),
  })
  .openapi('PomodoroSettings');

/** What was studied: trimmed, ≤ 60 characters; empty means none. */
export const SubjectInput = z
  .string()
  .trim()
  .max(60)
  .transform((s) => (s === '' ? null : s));

export const StartTimerInput = z
  .object({
    groupId: IdValue.nullable().optional(),
    subject: SubjectInput.nullable().optional(),
    mode: z.enum(SESSION_MODES).optional().openapi({ description: 'default `stopwatch`; `pomodoro` when `pomodoro` settings are given' }),
    pomodoro: PomodoroSettingsInput.nullable().optional().openapi({ description: 'Pomodoro settings (mode `pomodoro`); defaults 25/5/15/4' }),
  })
  .strict()
  .openapi('StartTimer');
export const StopTimerInput = z
  .object({ notes: z.string().trim().max(2000).nullable().optional() })
  .strict()
  .openapi('StopTimer');
/** `timer:pause` / `timer:resume`: no fields. */
export const TimerActionInput = z.object({}).strict();

export const TimerSchema = z
  .object({
    startedAt: z.string(),
    groupId: z.number().int().nullable(),
    mode: z.enum(SESSION_MODES),
    state: z.enum(TIMER_STATES),
    subject: z.string().nullable(),
    focusSeconds: z.number().int().openapi({ description: 'Counted focus time as of the answer (breaks and pauses never count)' }),
    pausedSeconds: z.number().int(),
    phaseEndsAt: z.string().nullable().openapi({
      description: 'When the current Pomodoro phase ends; while paused, when it would end if resumed at the time of the answer (null for stopwatches)',
    }),
    cycle: z.number().int().nullable().openapi({ description: 'The Pomodoro cycle, from 1 (null for stopwatches)' }),
    pomodoro: PomodoroSettingsSchema.nullable(),
  })
  .openapi('Timer');
export const StopResultSchema = z
  .object({ session: SessionSchema.nullable().openapi({ description: 'null when discarded (shorter than MIN_SESSION_SECONDS)' }), discarded: z.boolean() })
  .openapi('TimerStopResult');
/** `GET /timer` and the `timer:state` event. */
export const TimerStateSchema = z.object({ timer: TimerSchema.nullable() });
