import { CliCommand, EXIT } from './command';

/**
 * `snaplake status`: the freshness table reads a deployed stage from AWS, and core has no AWS SDK, so
 * this points to `snaplake-status`, which ships with @snaplake/functions (the package of the SDK code).
 */
export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'the freshness of a deployed stage: run `npx snaplake-status --stack <project>-<stage>-export-pipeline`',
  help: `usage: snaplake status (points to: npx snaplake-status --stack <project>-<stage>-export-pipeline [--region <region>])

Prints, per exported database, its newest catalogued export, its age, its maxExportAgeHours and its
freshness alarm's state (docs/monitoring.md). It reads AWS, so it ships with @snaplake/functions.`,
  options: { stack: { type: 'string' }, region: { type: 'string' } },
  positionals: false,
  run(_values, _positionals, io) {
    io.err('snaplake status reads a deployed stage from AWS: run `npx snaplake-status --stack <project>-<stage>-export-pipeline` (from @snaplake/functions)');
    return EXIT.usage;
  },
};
