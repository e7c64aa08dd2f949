import type { StudySession } from '../../db/models';
import type { SessionDto } from '../../realtime/events';
import { SessionSchema } from '../../shared/contract';

/** The wire shape is the contract's (src/shared/contract/sessions.ts); the mapper from a row is here. */
export { SessionSchema };

export function toSessionDto(
  s: Pick<
    StudySession,
    | 'id'
    | 'sessionUuid'
    | 'groupId'
    | 'durationSeconds'
    | 'sessionDate'
    | 'startedAt'
    | 'endedAt'
    | 'sessionNotes'
    | 'rawSeconds'
    | 'pausedSeconds'
    | 'mode'
    | 'subject'
    | 'endReason'
  >,
): SessionDto {
  return {
    id: s.id,
    sessionUuid: s.sessionUuid,
    groupId: s.groupId ?? null,
    durationSeconds: s.durationSeconds,
    sessionDate: s.sessionDate.toISOString(),
    startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt.toISOString(),
    sessionNotes: s.sessionNotes ?? null,
    rawSeconds: s.rawSeconds,
    pausedSeconds: s.pausedSeconds,
    mode: s.mode,
    subject: s.subject ?? null,
    endReason: s.endReason,
  };
}
