export { registerChatRoutes } from './chat.routes';
export { chatSocketModule } from './chat.handlers';
export { deleteMessage, editMessage, listMessages, sendMessage } from './chat.service';
export { markRead } from './reads.service';
export { stopActivity } from './chat.activity';
