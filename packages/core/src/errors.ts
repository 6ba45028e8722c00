/** Base class of every error snaplake throws on purpose: catch this to tell bad input from bugs. */
export class SnaplakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A configuration value is missing or invalid; `field` is its path, such as `stages[1].account`. */
export class ConfigError extends SnaplakeError {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}

/** An event is not an RDS event snaplake can act on; the message says what is wrong with it. */
export class InvalidEventError extends SnaplakeError {}

/** Export metadata (export_info / export_tables_info files) cannot be read; the message names the file and the problem. */
export class ExportMetadataError extends SnaplakeError {}
