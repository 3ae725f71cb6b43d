/**
 * A JQL problem, with Jira's wording, answered as 400
 * `{"errorMessages": [...], "errors": {}}`.
 */
export class JqlError extends Error {
  readonly messages: string[];

  constructor(messages: string | string[]) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join(' '));
    this.name = 'JqlError';
    this.messages = list;
  }
}

/** A syntax error at a position, as Jira words it. */
export function syntaxError(query: string, position: number, message: string) {
  const before = query.slice(0, position);
  const line = before.split('\n').length;
  const character = position - before.lastIndexOf('\n');
  return new JqlError(
    `Error in the JQL Query: ${message} (line ${line}, character ${character})`,
  );
}
