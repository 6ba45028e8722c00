import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const srcDir = join(__dirname, '..', 'src');
const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
// Only the logger writes to the console; metric records go to stdout as they are (src/metrics.ts).
const CONSOLE_ALLOWED = ['log.ts'];

describe('handler logging', () => {
  test('goes through the structured JSON logger (no console calls elsewhere)', () => {
    const offending = sources(srcDir)
      .filter((file) => !CONSOLE_ALLOWED.some((allowed) => file.endsWith(allowed)))
      .filter((file) => /\bconsole\.(log|info|warn|error|debug)\(/.test(readFileSync(file, 'utf8')));
    expect(offending).toEqual([]);
  });

  test('never logs a whole event or input', () => {
    const offending = sources(srcDir).flatMap((file) => readFileSync(file, 'utf8').split('\n')
      .filter((line) => /\blog\.\w+\([^)]*[{,]\s*(event|input|run|plan)\s*[,}]/.test(line) || /\blog\.\w+\([^,]+,\s*(event|input)\s*\)/.test(line))
      .map((line) => `${file}: ${line.trim()}`));
    expect(offending).toEqual([]);
  });

  test('hands the console one object, the message and the fields, and leaves time and level to Lambda\'s JSON log format', async () => {
    const { log } = await import('../src');
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const debug = jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    log.info('export started', { exportTaskIdentifier: 'e1' });
    log.warn('copy refused', { error: Object.assign(new Error('key not usable'), { name: 'KMSKeyNotAccessibleFault' }) });
    log.debug('page read');
    // Lambda writes { timestamp, level, requestId, message: <this object> }: nothing here repeats the first three.
    expect(info.mock.calls).toEqual([[{ message: 'export started', exportTaskIdentifier: 'e1' }]]);
    expect(warn.mock.calls).toEqual([[{ message: 'copy refused', error: { name: 'KMSKeyNotAccessibleFault', message: 'key not usable' } }]]);
    expect(debug.mock.calls).toEqual([[{ message: 'page read' }]]);
    jest.restoreAllMocks();
  });

  test('metric records reach stdout as they are, not through the console (which Lambda would wrap as a message)', async () => {
    const { writeMetricRecord } = await import('../src');
    const written = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const log = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    writeMetricRecord('{"_aws":{}}');
    expect(written.mock.calls).toEqual([['{"_aws":{}}\n']]);
    expect(log).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });
});
