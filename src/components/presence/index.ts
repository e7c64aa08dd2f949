export { presenceSocketModule } from './presence.handlers';
export { startPresenceLoop } from './presence.loop';
export { groupClosed, membersOf, userRemovedFromGroup } from './presence.service';
