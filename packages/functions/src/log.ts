// Structured JSON logs, one object a line, so CloudWatch Logs Insights can filter on any field.
// Callers pass chosen fields only: never a whole event, which may carry secrets.

type Level = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

function write(level: Level, message: string, fields: Fields): void {
  const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields }, errorReplacer);
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

export const log = {
  debug: (message: string, fields: Fields = {}) => write('debug', message, fields),
  info: (message: string, fields: Fields = {}) => write('info', message, fields),
  warn: (message: string, fields: Fields = {}) => write('warn', message, fields),
  error: (message: string, fields: Fields = {}) => write('error', message, fields),
};
