/**
 * Group chat: history on scroll (`before` cursor), live messages, replies, edit/delete of
 * my own, typing indicator, and catch-up after a reconnect (`after=<lastSeenId>`).
 * Message content is only ever set as text.
 *
 * A reply quotes its parent: from the parent itself when it is loaded (so edits and
 * deletes show), else from the server's `replyTo` excerpt (history loads newest first,
 * so a reply often arrives before its parent). When the parent arrives or changes, the
 * replies quoting it are redrawn. Incoming messages of others are read out politely.
 */
import { api, errorText } from '../api';
import { announce, avatar, clear, formatTime, h, toast } from '../dom';
import { emit, listen, session } from '../session';
import type { ClientPayload, Message } from '../types';
import type { Action, Subject } from '../../../src/shared/policy';

export interface ChatPanel {
  el: HTMLElement;
  catchUp(): Promise<void>;
  /** The newest message id loaded (0: none yet). */
  newestId(): number;
  destroy(): void;
}

const PAGE = 50;
const newId = (): string => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

/** `may`: what the permission policy lets me do in this group (src/shared/policy.ts). */
export function chatPanel(
  groupId: number,
  nameOf: (userId: string) => string | undefined,
  may: (action: Action, subject?: Subject) => boolean,
  /** Called when a newer message than any loaded so far arrives (history, catch-up or live): unread badges. */
  onNewest: (messageId: number) => void = () => undefined,
): ChatPanel {
  const disposers: (() => void)[] = [];
  const messages = new Map<number, Message>();
  const rows = new Map<number, HTMLElement>();
  let oldestId: number | null = null;
  let lastSeenId = 0;
  let hasMore = true;
  let loadingOlder = false;
  let replyTo: Message | null = null;

  /** Parents known to be deleted (by `chat:deleted`) though not loaded here. */
  const deletedParents = new Set<number>();
  const list = h('ol', { class: 'chat-list', testid: 'chat-list', 'aria-label': 'Messages' });
  const top = h('div', { class: 'chat-top muted small', testid: 'chat-top' });
  const scroller = h('div', { class: 'chat-scroll', testid: 'chat-scroll' }, top, list);
  const typing = h('div', { class: 'typing muted small', testid: 'typing-indicator' });
  const replyBar = h('div', { class: 'reply-bar', hidden: true, testid: 'reply-bar' });
  const hintId = `chat-hint-${groupId}`;
  const input = h('textarea', {
    rows: 1,
    placeholder: 'Message the group…',
    'aria-label': 'Message the group',
    'aria-describedby': hintId,
    maxlength: 4000,
    testid: 'chat-input',
  });
  const send = h('button', { class: 'btn primary', type: 'submit', testid: 'chat-send' }, 'Send');
  const form = h('form', { class: 'composer', testid: 'composer' }, input, send);
  const hint = h('p', { class: 'composer-hint muted small', id: hintId }, 'Enter to send · Shift+Enter for a new line');
  const el = h(
    'section',
    { class: 'card chat', testid: 'chat', id: `chat-${groupId}`, 'aria-labelledby': `chat-title-${groupId}` },
    h('h2', { class: 'card-title', id: `chat-title-${groupId}` }, 'Chat'),
    scroller,
    typing,
    replyBar,
    form,
    hint,
  );

  const nearBottom = (): boolean => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const toBottom = (): void => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  const flash = (id: number): void => {
    const target = rows.get(id);
    if (!target) return;
    target.scrollIntoView({ block: 'center', behavior: 'smooth' });
    target.classList.add('flash');
    setTimeout(() => target.classList.remove('flash'), 1600);
  };

  const quote = (m: Message, parentId: number): HTMLElement => {
    const parent = messages.get(parentId);
    const gone = parent ? parent.isDeleted : deletedParents.has(parentId) || (m.replyTo === null && !parent);
    const who = parent?.username ?? m.replyTo?.username;
    const text = parent ? (parent.content ?? '') : (m.replyTo?.excerpt ?? '');
    const body: (string | HTMLElement | null)[] = gone
      ? [h('em', null, 'Original message deleted')]
      : [who ? h('strong', null, who, ': ') : null, text.length > 140 ? `${text.slice(0, 139)}…` : text];
    // With the parent loaded, the quote takes you to it.
    return parent && !gone
      ? h(
          'button',
          {
            class: 'quote small',
            type: 'button',
            testid: 'reply-quote',
            'aria-label': `Replying to ${who}: ${text.slice(0, 80)}. Show it`,
            onclick: () => flash(parentId),
          },
          body,
        )
      : h('div', { class: 'quote small', testid: 'reply-quote' }, body);
  };

  /** Redraws the replies quoting `parentId` (the parent arrived, changed or went). */
  const redrawReplies = (parentId: number): void => {
    for (const other of messages.values()) {
      if (other.replyToId !== parentId) continue;
      const again = row(other);
      rows.get(other.id)?.replaceWith(again);
      rows.set(other.id, again);
    }
  };

  const row = (m: Message): HTMLElement => {
    const mine = m.userId === session.me?.userId;
    const body = h('div', { class: 'msg-body', testid: 'msg-content' });
    if (m.isDeleted) body.appendChild(h('em', { class: 'muted' }, 'message deleted'));
    else body.textContent = m.content ?? '';
    const actions = h('div', { class: 'msg-actions' });
    const author = nameOf(m.userId) ?? m.username;
    if (!m.isDeleted) {
      actions.appendChild(
        h('button', { class: 'btn link small', type: 'button', testid: 'msg-reply', 'aria-label': `Reply to ${author}`, onclick: () => setReply(m) }, 'Reply'),
      );
      if (may('chat.edit', { own: mine }))
        actions.appendChild(
          h(
            'button',
            { class: 'btn link small', type: 'button', testid: 'msg-edit', 'aria-label': 'Edit my message', onclick: () => startEdit(m, body) },
            'Edit',
          ),
        );
      if (may('chat.delete', { own: mine }))
        actions.appendChild(
          h(
            'button',
            {
              class: 'btn link small danger-text',
              type: 'button',
              testid: 'msg-delete',
              'aria-label': `Delete ${mine ? 'my' : `${author}’s`} message`,
              onclick: () => remove(m),
            },
            'Delete',
          ),
        );
    }
    return h(
      'li',
      { class: `msg ${mine ? 'mine' : ''}`, testid: 'chat-message', 'data-id': m.id },
      avatar(m.userId, m.username),
      h(
        'div',
        { class: 'msg-main' },
        h(
          'div',
          { class: 'msg-head' },
          h('strong', { class: 'msg-author' }, author),
          h('time', { class: 'muted small', datetime: m.createdAt }, formatTime(m.createdAt)),
          m.isEdited && !m.isDeleted ? h('span', { class: 'muted small' }, '(edited)') : null,
        ),
        m.replyToId ? quote(m, m.replyToId) : null,
        body,
        actions,
      ),
    );
  };

  /** Inserts or replaces a message, keeping the list ordered by id. */
  const upsert = (m: Message): void => {
    if (m.groupId !== groupId) return;
    const stick = nearBottom();
    messages.set(m.id, m);
    const fresh = row(m);
    const old = rows.get(m.id);
    rows.set(m.id, fresh);
    if (old) old.replaceWith(fresh);
    else {
      const next = [...rows.keys()].filter((id) => id > m.id).sort((a, b) => a - b)[0];
      const before = next !== undefined ? rows.get(next) : undefined;
      if (before?.isConnected) list.insertBefore(fresh, before);
      else list.appendChild(fresh);
    }
    if (m.id > lastSeenId) {
      lastSeenId = m.id;
      onNewest(m.id);
    }
    if (!loadingOlder) renderTop();
    oldestId = oldestId === null ? m.id : Math.min(oldestId, m.id);
    if (stick || m.userId === session.me?.userId) toBottom();
    // Replies quoting this message show it (it may have arrived after them, or changed).
    redrawReplies(m.id);
  };

  const renderTop = (): void => {
    top.textContent = hasMore
      ? loadingOlder
        ? 'Loading earlier messages…'
        : 'Scroll up for earlier messages'
      : messages.size
        ? 'This is the beginning of the conversation.'
        : 'No messages yet — say hi!';
  };

  const loadOlder = async (): Promise<void> => {
    if (loadingOlder || !hasMore) return;
    loadingOlder = true;
    renderTop();
    const prevHeight = scroller.scrollHeight;
    const first = oldestId === null;
    try {
      const page = await api('GET /api/groups/:id/messages', { params: { id: groupId }, query: { before: oldestId, limit: PAGE } });
      for (const m of page.items) upsert(m);
      hasMore = page.nextCursor !== null && page.items.length > 0;
      if (first) toBottom();
      else scroller.scrollTop += scroller.scrollHeight - prevHeight;
    } catch (e) {
      top.textContent = errorText(e);
      loadingOlder = false;
      return;
    }
    loadingOlder = false;
    renderTop();
  };
  scroller.addEventListener('scroll', () => {
    if (scroller.scrollTop < 60) void loadOlder();
  });

  const catchUp = async (): Promise<void> => {
    if (lastSeenId === 0) return loadOlder();
    for (let i = 0; i < 20; i++) {
      const page = await api('GET /api/groups/:id/messages', { params: { id: groupId }, query: { after: lastSeenId, limit: 100 } });
      for (const m of page.items) upsert(m);
      if (page.items.length < 100 || page.nextCursor === null) break;
    }
  };

  const setReply = (m: Message | null): void => {
    replyTo = m;
    replyBar.hidden = !m;
    if (m)
      clear(
        replyBar,
        h('span', { class: 'small reply-to' }, 'Replying to ', h('strong', null, m.username), ': ', (m.content ?? '').slice(0, 80)),
        h('button', { class: 'btn link small', type: 'button', 'aria-label': 'Cancel the reply', onclick: () => setReply(null) }, 'Cancel'),
      );
    input.focus();
  };

  const startEdit = (m: Message, body: HTMLElement): void => {
    const editor = h('input', { class: 'edit-input', value: m.content ?? '', maxlength: 4000, testid: 'msg-edit-input', 'aria-label': 'Edit the message' });
    const save = (): void => {
      const content = editor.value.trim();
      if (!content || content === m.content) return void upsert(m);
      emit('chat:edit', { messageId: m.id, content })
        .then((r) => upsert(r.message))
        .catch((e) => toast(errorText(e), 'error'));
    };
    editor.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') save();
      if (e.key === 'Escape') upsert(m);
    });
    clear(body, editor, h('span', { class: 'muted small' }, ' Enter to save · Esc to cancel'));
    editor.focus();
  };

  const remove = (m: Message): void => {
    if (!window.confirm('Delete this message?')) return;
    emit('chat:delete', { messageId: m.id })
      .then(() => upsert({ ...m, isDeleted: true, content: null }))
      .catch((e) => toast(errorText(e), 'error'));
  };

  const submit = async (): Promise<void> => {
    const content = input.value.trim();
    if (!content) return;
    const payload: ClientPayload<'chat:send'> = { groupId, content, clientMessageId: newId() };
    if (replyTo) payload.replyToId = replyTo.id;
    send.disabled = true;
    try {
      // Over the socket when connected; otherwise REST (same clientMessageId: a retry never duplicates).
      const message = session.socket?.connected
        ? (await emit('chat:send', payload)).message
        : await api('POST /api/groups/:id/messages', {
            params: { id: groupId },
            body: { content, clientMessageId: payload.clientMessageId, replyToId: payload.replyToId },
          });
      upsert(message);
      input.value = '';
      setReply(null);
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      send.disabled = false;
      input.focus();
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  let lastTyping = 0;
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  });
  input.addEventListener('input', () => {
    if (Date.now() - lastTyping > 2000 && input.value && session.socket?.connected) {
      lastTyping = Date.now();
      session.socket.emit('chat:typing', { groupId });
    }
  });

  const typists = new Map<string, ReturnType<typeof setTimeout>>();
  const renderTyping = (): void => {
    const names = [...typists.keys()].map((id) => nameOf(id) ?? 'Someone');
    typing.textContent =
      names.length === 0
        ? ''
        : names.length === 1
          ? `${names[0]} is typing…`
          : `${names.slice(0, 2).join(' and ')}${names.length > 2 ? ' and others' : ''} are typing…`;
  };
  disposers.push(
    listen('chat:message', ({ message }) => {
      if (message.groupId !== groupId) return;
      const t = typists.get(message.userId);
      if (t) {
        clearTimeout(t);
        typists.delete(message.userId);
        renderTyping();
      }
      const fresh = !messages.has(message.id);
      upsert(message);
      if (fresh && message.userId !== session.me?.userId) announce(`${nameOf(message.userId) ?? message.username}: ${(message.content ?? '').slice(0, 200)}`);
    }),
    listen('chat:edited', ({ message }) => upsert(message)),
    listen('chat:deleted', ({ groupId: g, messageId }) => {
      if (g !== groupId) return;
      const m = messages.get(messageId);
      if (m) upsert({ ...m, isDeleted: true, content: null });
      else {
        deletedParents.add(messageId);
        redrawReplies(messageId);
      }
    }),
    listen('chat:typing', ({ groupId: g, userId }) => {
      if (g !== groupId || userId === session.me?.userId) return;
      clearTimeout(typists.get(userId));
      typists.set(
        userId,
        setTimeout(() => {
          typists.delete(userId);
          renderTyping();
        }, 3500),
      );
      renderTyping();
    }),
    () => {
      for (const t of typists.values()) clearTimeout(t);
    },
  );

  renderTop();
  void loadOlder();
  return {
    el,
    catchUp,
    newestId: () => lastSeenId,
    destroy: () => {
      for (const d of disposers) d();
    },
  };
}
