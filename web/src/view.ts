/**
 * What a page of the app is to the shell (main.ts): its element and its teardown. Its own
 * module, so views and the shell both depend on it and never on each other.
 */
export interface View {
  el: HTMLElement;
  destroy(): void;
  /** Same route family, new tab: a view may switch in place instead of being rebuilt. */
  update?(route: string[]): boolean;
}
