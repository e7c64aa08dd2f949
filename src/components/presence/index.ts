export { registerPresenceHandlers } from './presence.handlers';
export { startPresenceLoop } from './presence.loop';
export { groupClosed, membersOf, roomState, userRemovedFromGroup } from './presence.service';
