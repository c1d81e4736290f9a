/** The three parameter groups every schedule of this package builds, in this order (empty ones are dropped). */
export const GROUP_NAMES = ['robust', 'rest', 'other'] as const;

/** `robust` (Mods_Robust), `rest` (every other module) or `other` (non-module tensors). */
export type GroupName = (typeof GROUP_NAMES)[number];

/** A value per group, e.g. the tensors or the rates of each. */
export type PerGroup<T> = Record<GroupName, T>;
