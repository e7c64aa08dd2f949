export { registerUserRoutes } from './users.routes';
export { userTimeZone } from './user.dto';
export { wantsNotification } from './preferences.rules';
export * from './username.rules';
export {
  findActiveUser,
  findActiveUserByUsername,
  findUser,
  insertUser,
  isDuplicateUser,
  lockUser,
  lockUsernameHolder,
  preferencesOf,
  updateUser,
  writeWithFreeUsername,
  type UserRecord,
} from './users.repository';
