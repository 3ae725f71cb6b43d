import { syntaxError } from './errors';
import { type Token, tokenize } from './lexer';

/** The JQL syntax tree: clauses joined by AND / OR / NOT, then ORDER BY. */

export type Operator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | '~'
  | '!~'
  | 'IN'
  | 'NOT IN'
  | 'IS'
  | 'IS NOT';

export type Operand =
  | { kind: 'value'; value: string; position: number }
  | { kind: 'function'; name: string; args: string[]; position: number }
  | { kind: 'empty'; position: number };

export interface Clause {
  type: 'clause';
  field: string;
  position: number;
  operator: Operator;
  /** One operand, or the list of IN / NOT IN. */
  operands: Operand[];
}

export type Expression =
  | Clause
  | { type: 'and' | 'or'; left: Expression; right: Expression }
  | { type: 'not'; expression: Expression };

export interface SortKey {
  field: string;
  position: number;
  direction: 'ASC' | 'DESC';
}

export interface JqlQuery {
  where?: Expression;
  orderBy: SortKey[];
}

const VALID_OPERATORS =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

// Words that must be quoted to be used as a field or value.
const RESERVED = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'ORDER', 'BY']);

class Parser {
  readonly #query: string;
  readonly #tokens: Token[];
  #index = 0;

  constructor(query: string) {
    this.#query = query;
    this.#tokens = tokenize(query);
  }

  parse(): JqlQuery {
    const where =
      this.#isKeyword('ORDER') || this.#peek().kind === 'end'
        ? undefined
        : this.#parseOr();
    const orderBy = this.#isKeyword('ORDER') ? this.#parseOrderBy() : [];
    const next = this.#peek();
    if (next.kind !== 'end') {
      throw this.#error(
        next,
        where
          ? `Expecting either 'OR' or 'AND' but got '${next.value}'.`
          : `Expecting a field name but got '${next.value}'.`,
      );
    }
    return { where, orderBy };
  }

  #parseOr(): Expression {
    let left = this.#parseAnd();
    while (this.#acceptKeyword('OR')) {
      left = { type: 'or', left, right: this.#parseAnd() };
    }
    return left;
  }

  #parseAnd(): Expression {
    let left = this.#parseNot();
    while (this.#acceptKeyword('AND')) {
      left = { type: 'and', left, right: this.#parseNot() };
    }
    return left;
  }

  #parseNot(): Expression {
    if (this.#acceptKeyword('NOT')) {
      return { type: 'not', expression: this.#parseNot() };
    }
    if (this.#acceptPunctuation('(')) {
      const inner = this.#parseOr();
      this.#expectClosingParenthesis();
      return inner;
    }
    return this.#parseClause();
  }

  #parseClause(): Clause {
    const field = this.#parseFieldName();
    const operator = this.#parseOperator();
    let operands: Operand[];
    if (operator === 'IN' || operator === 'NOT IN') {
      operands = this.#parseList();
    } else if (operator === 'IS' || operator === 'IS NOT') {
      const token = this.#next();
      if (!(token.kind === 'word' && /^(EMPTY|NULL)$/i.test(token.value))) {
        throw this.#error(
          token,
          token.kind === 'end'
            ? "Expecting 'EMPTY' or 'NULL' before the end of the query."
            : `Expecting 'EMPTY' or 'NULL' but got '${token.value}'.`,
        );
      }
      operands = [{ kind: 'empty', position: token.position }];
    } else {
      operands = [this.#parseOperand()];
    }
    return {
      type: 'clause',
      field: field.value,
      position: field.position,
      operator,
      operands,
    };
  }

  #parseFieldName(): Token {
    const token = this.#next();
    if (token.kind === 'end') {
      throw this.#error(
        token,
        'Expecting a field name at the end of the query.',
      );
    }
    if (token.kind === 'word' && RESERVED.has(token.value.toUpperCase())) {
      throw this.#reserved(token);
    }
    if (token.kind !== 'word' && token.kind !== 'string') {
      throw this.#error(
        token,
        `Expecting a field name but got '${token.value}'.`,
      );
    }
    return token;
  }

  #parseOperator(): Operator {
    const token = this.#next();
    if (token.kind === 'operator') {
      return token.value as Operator;
    }
    if (token.kind === 'word') {
      const word = token.value.toUpperCase();
      if (word === 'IN') {
        return 'IN';
      }
      if (word === 'NOT' && this.#acceptKeyword('IN')) {
        return 'NOT IN';
      }
      if (word === 'IS') {
        return this.#acceptKeyword('NOT') ? 'IS NOT' : 'IS';
      }
    }
    throw this.#error(
      token,
      token.kind === 'end'
        ? `Expecting operator before the end of the query. ${VALID_OPERATORS}`
        : `Expecting operator but got '${token.value}'. ${VALID_OPERATORS}`,
    );
  }

  #parseList(): Operand[] {
    const open = this.#peek();
    if (!this.#acceptPunctuation('(')) {
      if (
        open.kind === 'word' &&
        this.#tokens[this.#index + 1]?.value === '('
      ) {
        return [this.#parseOperand()];
      }
      throw this.#error(
        open,
        open.kind === 'end'
          ? 'Expecting either a value, list or function before the end of the query.'
          : `Expecting '(' but got '${open.value}'.`,
      );
    }
    const operands = [this.#parseOperand()];
    while (this.#acceptPunctuation(',')) {
      operands.push(this.#parseOperand());
    }
    this.#expectClosingParenthesis();
    return operands;
  }

  #parseOperand(): Operand {
    const token = this.#next();
    if (token.kind === 'string') {
      return { kind: 'value', value: token.value, position: token.position };
    }
    if (token.kind === 'word') {
      if (RESERVED.has(token.value.toUpperCase())) {
        throw this.#reserved(token);
      }
      if (this.#acceptPunctuation('(')) {
        return {
          kind: 'function',
          name: token.value,
          args: this.#parseArguments(),
          position: token.position,
        };
      }
      if (/^(EMPTY|NULL)$/i.test(token.value)) {
        return { kind: 'empty', position: token.position };
      }
      return { kind: 'value', value: token.value, position: token.position };
    }
    throw this.#error(
      token,
      token.kind === 'end'
        ? 'Expecting either a value, list or function before the end of the query.'
        : `Expecting either a value, list or function but got '${token.value}'.`,
    );
  }

  #parseArguments(): string[] {
    const args: string[] = [];
    if (this.#acceptPunctuation(')')) {
      return args;
    }
    do {
      const token = this.#next();
      if (token.kind !== 'word' && token.kind !== 'string') {
        throw this.#error(
          token,
          token.kind === 'end'
            ? "Expecting ')' before the end of the query."
            : `Expecting a function argument but got '${token.value}'.`,
        );
      }
      args.push(token.value);
    } while (this.#acceptPunctuation(','));
    this.#expectClosingParenthesis();
    return args;
  }

  #parseOrderBy(): SortKey[] {
    this.#next();
    const by = this.#next();
    if (!(by.kind === 'word' && by.value.toUpperCase() === 'BY')) {
      throw this.#error(
        by,
        by.kind === 'end'
          ? "Expecting 'BY' before the end of the query."
          : `Expecting 'BY' but got '${by.value}'.`,
      );
    }
    const keys: SortKey[] = [];
    do {
      const field = this.#parseFieldName();
      const direction = this.#acceptKeyword('DESC')
        ? 'DESC'
        : (this.#acceptKeyword('ASC'), 'ASC');
      keys.push({ field: field.value, position: field.position, direction });
    } while (this.#acceptPunctuation(','));
    return keys;
  }

  #expectClosingParenthesis(): void {
    const token = this.#next();
    if (!(token.kind === 'punctuation' && token.value === ')')) {
      throw this.#error(
        token,
        token.kind === 'end'
          ? "Expecting ')' before the end of the query."
          : `Expecting ')' but got '${token.value}'.`,
      );
    }
  }

  #peek(): Token {
    return this.#tokens[this.#index];
  }

  #next(): Token {
    const token = this.#tokens[this.#index];
    if (token.kind !== 'end') {
      this.#index++;
    }
    return token;
  }

  #isKeyword(word: string): boolean {
    const token = this.#peek();
    return token.kind === 'word' && token.value.toUpperCase() === word;
  }

  #acceptKeyword(word: string): boolean {
    if (this.#isKeyword(word)) {
      this.#index++;
      return true;
    }
    return false;
  }

  #acceptPunctuation(value: string): boolean {
    const token = this.#peek();
    if (token.kind === 'punctuation' && token.value === value) {
      this.#index++;
      return true;
    }
    return false;
  }

  #reserved(token: Token) {
    return this.#error(
      token,
      `'${token.value}' is a reserved JQL word. You must surround it in quotation marks to use it in a query.`,
    );
  }

  #error(token: Token, message: string) {
    return syntaxError(this.#query, token.position, message);
  }
}

export function parseJql(query: string): JqlQuery {
  return new Parser(query).parse();
}
