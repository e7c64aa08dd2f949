import type { StudySession } from '../../db/models';
import type { SessionDto } from '../../realtime/events';
import { z } from '../../lib/validation';

export const SessionSchema = z
  .object({
    id: z.number().int().nullable(),
    sessionUuid: z.string(),
    groupId: z.number().int().nullable(),
    durationSeconds: z.number().int(),
    sessionDate: z.string(),
    startedAt: z.string(),
    endedAt: z.string(),
    sessionNotes: z.string().nullable(),
  })
  .openapi('Session');

export function toSessionDto(
  s: Pick<StudySession, 'id' | 'sessionUuid' | 'groupId' | 'durationSeconds' | 'sessionDate' | 'startedAt' | 'endedAt' | 'sessionNotes'>,
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
  };
}
