/** A deep copy of an AST without spans or trivia: what must survive print and re-parse. */
export function stripSpans(node: unknown): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) =>
      key === 'span' || key === 'versionSpan' || key === 'trivia' || key === 'endComments' ? undefined : value,
    ),
  );
}
