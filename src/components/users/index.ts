export { registerUserRoutes } from './users.routes';
export { dailyGoalMinutesOf, userTimeZone } from './user.dto';
export { cachedUser, forgetUser, IDENTITY_CACHE } from './identity.cache';
export { wantsNotification } from './preferences.rules';
export * from './username.rules';
export {
  findActiveUser,
  findActiveUserByUsername,
  findUser,
  insertUser,
  isDuplicateUser,
  lockUser,
  lockUsers,
  type LockedUser,
  lockUsernameHolder,
  preferencesOf,
  updateUser,
  writeWithFreeUsername,
  type UserRecord,
} from './users.repository';
