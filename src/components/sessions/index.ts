export { registerSessionRoutes } from './sessions.routes';
export { persistSession, persistSessions, listSessions, updateSessionNotes, secondsOnLocalDay, type PersistResult } from './session.service';
export { toSessionDto, SessionSchema } from './session.dto';
