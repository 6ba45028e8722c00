import { DEFAULT_EXPORT_PRICE } from '../src';
import { configErrorOf as errorOf, oneDatabaseConfig as config } from './config-fixtures';
import { parseSnaplakeConfig } from '../src/config';

describe('exportOnly, maxExportAgeHours and exportPricePerGB in the config', () => {
  test('smallest: none of them set; every database exported whole, the default freshness and the dated default price', () => {
    const stage = parseSnaplakeConfig(config({})).stages[0]!;
    expect(stage.databases[0]!.exportOnly).toBeUndefined();
    expect(stage.databases[0]!.maxExportAgeHours).toBeUndefined();
    expect(stage.exportPricePerGB).toEqual(DEFAULT_EXPORT_PRICE);
  });

  test('all three set are kept as written', () => {
    const stage = parseSnaplakeConfig(config({ exportOnly: ['shop.public.orders'], maxExportAgeHours: 30 }, { exportPricePerGB: { usdPerGB: 0.012, asOf: '2026-11-01' } })).stages[0]!;
    expect(stage.databases[0]).toMatchObject({ exportOnly: ['shop.public.orders'], maxExportAgeHours: 30 });
    expect(stage.exportPricePerGB).toEqual({ usdPerGB: 0.012, asOf: '2026-11-01' });
  });

  test.each([
    [{ exportOnly: [] }, 'stages[0].databases[0].exportOnly', /leave exportOnly out to export everything/],
    [{ engine: 'mysql', exportOnly: ['shop', 'shop.public.orders'] }, 'stages[0].databases[0].exportOnly[1]', /mysql accepts 'database' or 'database.table'/],
    [{ exportOnly: ['shop.orders', 'SHOP.orders'] }, 'stages[0].databases[0].exportOnly[1]', /listed twice/],
    [{ exportOnly: ['shop', 7] }, 'stages[0].databases[0].exportOnly[1]', /expected a name/],
    [{ exportOnly: 'shop' }, 'stages[0].databases[0].exportOnly', /expected an array/],
    [{ maxExportAgeHours: 169 }, 'stages[0].databases[0].maxExportAgeHours', /whole number from 1 to 168/],
    [{ maxExportAgeHours: 0 }, 'stages[0].databases[0].maxExportAgeHours', /whole number from 1 to 168/],
    [{ trigger: 'schedule', schedule: 'cron(0 4 1 * ? *)' }, 'stages[0].databases[0].maxExportAgeHours', /at least weekly/],
    [{ trigger: 'schedule', schedule: 'cron(0 25 * * ? *)' }, 'stages[0].databases[0].schedule', /not from 0 to 23/],
  ])('%j fails at %s', (database, field, message) => {
    const error = errorOf(config(database));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  test('a monthly schedule with its own maxExportAgeHours still cannot be watched longer than 168 h', () => {
    expect(errorOf(config({ trigger: 'schedule', schedule: 'cron(0 4 1 * ? *)', maxExportAgeHours: 800 })).field).toBe('stages[0].databases[0].maxExportAgeHours');
  });

  test.each([
    [{ usdPerGB: -1, asOf: '2026-01-01' }, 'stages[0].exportPricePerGB.usdPerGB'],
    [{ usdPerGB: 0.01 }, 'stages[0].exportPricePerGB.asOf'],
    [{ usdPerGB: 0.01, asOf: 'last week' }, 'stages[0].exportPricePerGB.asOf'],
    [{ usdPerGB: 0.01, asOf: '2026-01-01', currency: 'EUR' }, 'stages[0].exportPricePerGB.currency'],
  ])('exportPricePerGB %j fails at %s', (price, field) => {
    expect(errorOf(config({}, { exportPricePerGB: price })).field).toBe(field);
  });
});
