import { syntaxError } from './errors';

export type Token =
  | { kind: 'word'; value: string; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'operator'; value: string; position: number }
  | { kind: 'punctuation'; value: '(' | ')' | ','; position: number }
  | { kind: 'end'; value: ''; position: number };

const OPERATORS = ['!=', '>=', '<=', '!~', '=', '>', '<', '~'];
// Characters that end an unquoted word or are reserved; everything else,
// including `-`, `/`, `:`, `@` and `[`, may appear in one (relative dates,
// emails, cf[10042]).
const WORD_CHAR = /[^\s"'(),=!<>~&|;?#%^{}$]/;

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i];
    if (/\s/.test(char)) {
      i++;
    } else if (char === '"' || char === "'") {
      i = readString(query, i, tokens);
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'punctuation', value: char, position: i });
      i++;
    } else if (query.startsWith('&&', i) || query.startsWith('||', i)) {
      tokens.push({
        kind: 'word',
        value: char === '&' ? 'AND' : 'OR',
        position: i,
      });
      i += 2;
    } else {
      const at = i;
      const operator = OPERATORS.find(op => query.startsWith(op, at));
      if (operator) {
        tokens.push({ kind: 'operator', value: operator, position: i });
        i += operator.length;
      } else if (char === '!') {
        tokens.push({ kind: 'word', value: 'NOT', position: i });
        i++;
      } else if (WORD_CHAR.test(char)) {
        const start = i;
        while (i < query.length && WORD_CHAR.test(query[i])) {
          i++;
        }
        tokens.push({
          kind: 'word',
          value: query.slice(start, i),
          position: start,
        });
      } else {
        throw syntaxError(
          query,
          i,
          `The character '${char}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${char
            .charCodeAt(0)
            .toString(16)
            .padStart(4, '0')}' instead.`,
        );
      }
    }
  }
  tokens.push({ kind: 'end', value: '', position: query.length });
  return tokens;
}

function readString(query: string, start: number, tokens: Token[]): number {
  const quote = query[start];
  let value = '';
  let i = start + 1;
  while (i < query.length && query[i] !== quote) {
    if (query[i] === '\\' && i + 1 < query.length) {
      i++;
    }
    value += query[i];
    i++;
  }
  if (i >= query.length) {
    throw syntaxError(
      query,
      start,
      `The quoted string '${value}' has not been completed.`,
    );
  }
  tokens.push({ kind: 'string', value, position: start });
  return i + 1;
}
