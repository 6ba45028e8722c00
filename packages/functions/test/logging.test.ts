import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const srcDir = join(__dirname, '..', 'src');
const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
// Only the logger writes to the console, and the EMF emitters' default (a metric line, not an event).
const CONSOLE_ALLOWED = ['log.ts', 'scheduled-query-steps.ts', 'disaster-recovery.ts', 'report-export.ts'];

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

  test('writes one JSON object a line with level, message and time', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
    const { log } = await import('../src');
    log.info('export started', { exportTaskIdentifier: 'e1' });
    spy.mockRestore();
    expect(JSON.parse(lines[0]!)).toEqual({ level: 'info', message: 'export started', timestamp: expect.any(String), exportTaskIdentifier: 'e1' });
  });
});
