/**
 * Bounds of the whole-number settings that the stage config accepts and that the functions read
 * back from their environment (set by the stacks): one definition, so a value the config accepts is
 * never refused by a function, nor the reverse.
 */
export const SETTING_BOUNDS = {
  /** `disasterRecovery.keepLast`: copies kept per region. */
  keepLast: { min: 1, max: 1000 },
  /** `disasterRecovery.maxAgeDays`. */
  maxAgeDays: { min: 1, max: 3650 },
  /** `exportRetentionDays`: days exports stay in S3 (and in the catalog's history). */
  exportRetentionDays: { min: 1, max: 3650 },
  /** `serverlessV1Restore.sweepAfterHours`: age at which a temporary resource is an orphan. */
  sweepAfterHours: { min: 1, max: 24 * 30 },
} as const;
