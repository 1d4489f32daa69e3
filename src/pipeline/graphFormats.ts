/** What `bird graph --format` can write. */
export const graphFormats = ['svg', 'dot'] as const;
export type GraphFormat = (typeof graphFormats)[number];
