/** Silences the logger (src/log.ts writes through console.debug/info/warn/error) for a test file that does not read its logs. */
export function quietLogs(): void {
  for (const level of ['debug', 'info', 'warn', 'error'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
}
