export { registerSessionRoutes } from './sessions.routes';
export { persistSession, listSessions, updateSessionNotes, secondsOnLocalDay, capToDailyLimit, type PersistResult } from './session.service';
export { toSessionDto, SessionSchema } from './session.dto';
