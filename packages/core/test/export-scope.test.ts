import { ConfigError, inExportScope, parseExportOnly } from '../src';

const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('exportOnly (the ExportOnly list of StartExportTask)', () => {
  test('given the forms RDS documents for each engine, when parsed, then the list is kept as written', () => {
    expect(parseExportOnly(['shop', 'crm.public', 'crm.billing.invoices'], 'postgres', 'f')).toEqual(['shop', 'crm.public', 'crm.billing.invoices']);
    expect(parseExportOnly(['shop', 'crm.customers'], 'mysql', 'f')).toEqual(['shop', 'crm.customers']);
  });

  test('a MySQL entry with a schema part is rejected: MySQL accepts database or database.table only', () => {
    const e = error(() => parseExportOnly(['shop.public.orders'], 'mysql', 'stages[0].databases[1].exportOnly'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.field).toBe('stages[0].databases[1].exportOnly[0]');
    expect(e.message).toMatch(/mysql accepts 'database' or 'database.table'/);
  });

  test('a PostgreSQL entry with four parts is rejected, naming the entry', () => {
    expect(error(() => parseExportOnly(['a', 'a.b.c.d'], 'postgres', 'x')).field).toBe('x[1]');
  });

  test('an empty list is an error that says how to export everything', () => {
    const e = error(() => parseExportOnly([], 'postgres', 'x'));
    expect(e.field).toBe('x');
    expect(e.message).toMatch(/leave exportOnly out to export everything/);
  });

  test('not a list, a number entry, an empty name are clear errors, never TypeErrors', () => {
    expect(error(() => parseExportOnly('shop', 'postgres', 'x')).message).toMatch(/expected a list/);
    expect(error(() => parseExportOnly([3], 'postgres', 'x')).message).toMatch(/x\[0\]: expected 'database'/);
    expect(error(() => parseExportOnly(['shop..orders'], 'postgres', 'x')).message).toMatch(/empty or unprintable/);
    expect(error(() => parseExportOnly([' '], 'mysql', 'x')).message).toMatch(/empty/);
  });

  test('duplicates are rejected, also when they differ only in case', () => {
    const e = error(() => parseExportOnly(['shop.orders', 'crm', 'SHOP.orders'], 'mysql', 'x'));
    expect(e.field).toBe('x[2]');
    expect(e.message).toMatch(/listed twice \(also at x\[0\]\)/);
  });

  test('an entry that another entry already exports is rejected', () => {
    const e = error(() => parseExportOnly(['shop.public.orders', 'shop'], 'postgres', 'x'));
    expect(e.field).toBe('x[0]');
    expect(e.message).toMatch(/already exported by 'shop'/);
  });

  test('names longer than the engine allows are rejected: 63 bytes for PostgreSQL, 64 characters for MySQL', () => {
    expect(parseExportOnly(['a'.repeat(63)], 'postgres', 'x')).toHaveLength(1);
    expect(error(() => parseExportOnly(['a'.repeat(64)], 'postgres', 'x')).message).toMatch(/64 bytes long; postgres names are at most 63 bytes/);
    // 32 two-byte characters: 64 bytes for PostgreSQL, but only 32 characters for MySQL.
    expect(error(() => parseExportOnly(['é'.repeat(32)], 'postgres', 'x')).message).toMatch(/64 bytes/);
    expect(parseExportOnly(['é'.repeat(64)], 'mysql', 'x')).toHaveLength(1);
    expect(error(() => parseExportOnly(['a'.repeat(65)], 'mysql', 'x')).message).toMatch(/at most 64 characters/);
  });
});

describe('inExportScope: which exported tables the catalog registers', () => {
  const table = (database: string, schema: string, name: string) => ({ database, schema, table: name });

  test('no list means every table', () => {
    expect(inExportScope(table('shop', 'public', 'orders'), undefined, 'postgres')).toBe(true);
    expect(inExportScope(table('shop', 'public', 'orders'), [], 'postgres')).toBe(true);
  });

  test('PostgreSQL: a database, a schema or a table selects what is inside it', () => {
    const scope = ['crm', 'shop.sales', 'shop.public.orders'];
    expect(inExportScope(table('crm', 'public', 'people'), scope, 'postgres')).toBe(true);
    expect(inExportScope(table('shop', 'sales', 'totals'), scope, 'postgres')).toBe(true);
    expect(inExportScope(table('shop', 'public', 'orders'), scope, 'postgres')).toBe(true);
    expect(inExportScope(table('shop', 'public', 'customers_pii'), scope, 'postgres')).toBe(false);
    // a prefix of a name is not the name
    expect(inExportScope(table('crm2', 'public', 'people'), scope, 'postgres')).toBe(false);
  });

  test('MySQL: the schema is the database, so database.table selects one table', () => {
    expect(inExportScope(table('shop', 'shop', 'orders'), ['shop.orders'], 'mysql')).toBe(true);
    expect(inExportScope(table('shop', 'shop', 'customers'), ['shop.orders'], 'mysql')).toBe(false);
  });

  test('names compare without case, so a table RDS exported is never left out for its case', () => {
    expect(inExportScope(table('Shop', 'Public', 'Orders'), ['shop.public.orders'], 'postgres')).toBe(true);
  });
});
