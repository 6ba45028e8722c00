// Structured logs for Lambda's JSON log format (infra sets `loggingFormat: JSON` on every function).
// Lambda writes each console call as one JSON object with its own `timestamp`, `level` and
// `requestId`, and puts what the call was given under `message`. So the logger gives an object (the
// event's text and chosen fields), which CloudWatch Logs Insights reads as `message.<field>`, and
// adds no time or level of its own. Callers pass chosen fields only: never a whole event, which may
// carry secrets.

type Level = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

/** An error as a log field: its name and message (no stack trace, which may hold paths and values). */
function loggable(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

function write(level: Level, message: string, fields: Fields): void {
  const record: Fields = { message };
  for (const [key, value] of Object.entries(fields)) record[key] = loggable(value);
  console[level](record);
}

/** `log.info('export started', { exportTaskIdentifier })`: `debug` shows only when the function's log level is DEBUG. */
export const log = {
  debug: (message: string, fields: Fields = {}) => write('debug', message, fields),
  info: (message: string, fields: Fields = {}) => write('info', message, fields),
  warn: (message: string, fields: Fields = {}) => write('warn', message, fields),
  error: (message: string, fields: Fields = {}) => write('error', message, fields),
};
