export * from './errors';
export * from './log';
export * from './env';
export * from './start-export';
