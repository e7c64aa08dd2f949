/** Daily goals (issue 16): pure rules. */

/** Did `seconds` of one day reach a goal of `goalMinutes` (0 = no goal: never)? */
export const goalReached = (seconds: number, goalMinutes: number): boolean => goalMinutes > 0 && seconds >= goalMinutes * 60;

/** The `daily_goal_met` notification's text. */
export const goalMetMessage = (goalMinutes: number, date: string): string =>
  `You reached your daily goal of ${goalMinutes} ${goalMinutes === 1 ? 'minute' : 'minutes'} on ${date}.`;
