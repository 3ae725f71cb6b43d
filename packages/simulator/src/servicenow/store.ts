import { SCHEMAS, type TableSchema } from './schema';

/** A record as the Table API stores it: every value a string, references as sys_ids. */
export type SnRow = Record<string, string>;

/**
 * One table, read by position in its natural order (the order of an
 * unordered query). Scale-mode tables derive rows on demand, so callers must
 * not assume `at()` is free.
 */
export interface SnTable {
  readonly schema: TableSchema;
  size(): number;
  at(index: number): SnRow;
  bySysId(sysId: string): SnRow | undefined;
  /**
   * Columns whose values strictly increase with the position: queries
   * that only range over these and sort by them are answered by binary
   * search instead of a scan.
   */
  readonly monotonic: readonly string[];
}

/** A fully materialised table (the demo world). */
export class ArrayTable implements SnTable {
  readonly schema: TableSchema;
  readonly monotonic: readonly string[] = [];
  readonly #rows: SnRow[];
  readonly #index = new Map<string, SnRow>();

  constructor(name: string, rows: SnRow[] = []) {
    this.schema = SCHEMAS[name];
    this.#rows = rows;
    for (const row of rows) {
      this.#index.set(row.sys_id, row);
    }
  }

  size(): number {
    return this.#rows.length;
  }

  at(index: number): SnRow {
    return this.#rows[index];
  }

  bySysId(sysId: string): SnRow | undefined {
    return this.#index.get(sysId);
  }

  rows(): readonly SnRow[] {
    return this.#rows;
  }

  /** Deletes a row; false when there was none with that sys_id. */
  remove(sysId: string): boolean {
    const row = this.#index.get(sysId);
    if (!row) {
      return false;
    }
    this.#rows.splice(this.#rows.indexOf(row), 1);
    this.#index.delete(sysId);
    return true;
  }

  /** Adds a row at the end of the natural order, or at its start with `first`. */
  insert(row: SnRow, options: { first?: boolean } = {}): void {
    if (options.first) {
      this.#rows.unshift(row);
    } else {
      this.#rows.push(row);
    }
    this.#index.set(row.sys_id, row);
  }
}

/**
 * A scale-mode table of `count` rows derived from their position, framed by
 * small materialised lists: rows inserted to sort first (shifting faults)
 * and rows appended by live mode. Derived rows carry strictly increasing
 * `sys_updated_on` and `sys_id`, and so must every row added before or after
 * them, which keeps binary search valid.
 */
export class DerivedTable implements SnTable {
  readonly schema: TableSchema;
  readonly #count: number;
  readonly #derive: (index: number) => SnRow;
  readonly #indexOf: (sysId: string) => number | undefined;
  /** Rows sorted before the derived ones; element 0 sorts first. */
  readonly #before: SnRow[] = [];
  readonly #after: SnRow[] = [];
  /** Set once a live update moved an older row (smaller sys_id) to the end. */
  #reordered = false;

  constructor(options: {
    name: string;
    count: number;
    derive: (index: number) => SnRow;
    indexOf: (sysId: string) => number | undefined;
  }) {
    this.schema = SCHEMAS[options.name];
    this.#count = options.count;
    this.#derive = options.derive;
    this.#indexOf = options.indexOf;
  }

  get monotonic(): readonly string[] {
    return this.#reordered ? ['sys_updated_on'] : ['sys_updated_on', 'sys_id'];
  }

  size(): number {
    return this.#before.length + this.#count + this.#after.length;
  }

  at(index: number): SnRow {
    if (index < this.#before.length) {
      return this.#before[index];
    }
    const derived = index - this.#before.length;
    return derived < this.#count
      ? this.#derive(derived)
      : this.#after[derived - this.#count];
  }

  bySysId(sysId: string): SnRow | undefined {
    const index = this.#indexOf(sysId);
    if (index !== undefined && index < this.#count) {
      return this.#derive(index);
    }
    return (
      this.#before.find(row => row.sys_id === sysId) ??
      this.#after.find(row => row.sys_id === sysId)
    );
  }

  first(): SnRow | undefined {
    return this.size() > 0 ? this.at(0) : undefined;
  }

  prepend(row: SnRow): void {
    this.#before.unshift(row);
  }

  /** Live rows, which may be updated by moving them to the end. */
  appended(): readonly SnRow[] {
    return this.#after;
  }

  append(row: SnRow): void {
    const existing = this.#after.indexOf(row);
    if (existing >= 0) {
      this.#after.splice(existing, 1);
      this.#reordered ||= existing < this.#after.length;
    }
    this.#after.push(row);
  }
}

/** All tables of one instance, by name. */
export class Database {
  readonly #tables = new Map<string, SnTable>();

  add(table: SnTable, name = table.schema.name): void {
    this.#tables.set(name, table);
  }

  table(name: string): SnTable | undefined {
    return this.#tables.get(name);
  }

  lookup(tableName: string, sysId: string): SnRow | undefined {
    return sysId ? this.#tables.get(tableName)?.bySysId(sysId) : undefined;
  }

  sizes(): Record<string, number> {
    return Object.fromEntries(
      [...this.#tables].map(([name, table]) => [name, table.size()]),
    );
  }
}
