import { EXCERPT_LENGTH, MAX_CONTENT_LENGTH } from '../../shared/contract/chat';

/** Limits of the wire contract (src/shared/contract/chat.ts). */
export { EXCERPT_LENGTH, MAX_CONTENT_LENGTH };

/**
 * The quote of a replied-to message: whitespace folded to single spaces, and when longer
 * than `max`, cut at a word boundary (or mid-word for one long word) and ended with `…`.
 */
export function excerpt(content: string, max = EXCERPT_LENGTH): string {
  const flat = Array.from(content.replace(/\s+/g, ' ').trim());
  if (flat.length <= max) return flat.join('');
  const cut = flat.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space >= max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** An `image` message's content is an http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The content problem of a message, or null when it is fine (content already trimmed). */
export function contentProblem(messageType: 'text' | 'image', content: string): string | null {
  if (content.length === 0) return 'must not be empty';
  if (content.length > MAX_CONTENT_LENGTH) return `must be at most ${MAX_CONTENT_LENGTH} characters`;
  if (messageType === 'image' && !isHttpUrl(content)) return 'must be an http(s) URL for an image message';
  return null;
}

/** Distinct `@username` mentions (usernames: letters, digits, _ . -), at most 20. */
export function extractMentions(content: string): string[] {
  const found = new Set<string>();
  for (const [, , name] of content.matchAll(/(^|[^A-Za-z0-9_.-])@([A-Za-z0-9_.-]{3,64})/g)) {
    found.add(name.replace(/[.-]+$/, ''));
    if (found.size >= 20) break;
  }
  return [...found].filter((name) => name.length >= 3);
}

/** Chat paging: `before` (default) walks back newest first, `after` walks forward oldest first. */
