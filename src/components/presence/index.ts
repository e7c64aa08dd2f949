export { registerPresenceHandlers } from './presence.handlers';
export { startPresenceLoop } from './presence.loop';
export { groupClosed, roomState, userRemovedFromGroup } from './presence.service';
