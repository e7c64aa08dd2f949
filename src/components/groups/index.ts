export { registerGroupRoutes } from './groups.routes';
export { authorize, groupAccess, requireAccess, standingOf, type GroupAccess } from './group-access';
export { addMember, removeUserFromAllGroups } from './groups.service';
export { expireInvitations } from './invitations.service';
export { isMember, lockGroup } from './groups.repository';
export { cachedRoomMembers, forgetGroup, forgetMembership, isCachedMember, requireCachedAccess, type RoomMember } from './membership.cache';
export { groupListChanged, groupListsChanged, userListChanged } from './my-groups.cache';
