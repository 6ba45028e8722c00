// bench/query-poll: simulated queries of 1 s, 10 s, 60 s and 10 min run through runQuery with a
// simulated clock; reports Athena API calls and how late completion was noticed.
// Target: noticed within max(1 s, 10% of the run time), at most a few dozen calls for 10 minutes.
import { runQuery } from '@snaplake/functions';
import { report } from './lib.mjs';

for (const runSeconds of [1, 10, 60, 600]) {
  let now = 0;
  let calls = 0;
  let noticedAt;
  const athena = {
    send: async (command) => {
      calls++;
      const name = command.constructor.name;
      if (name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q' };
      const done = now >= runSeconds * 1000;
      if (done && noticedAt === undefined) noticedAt = now;
      return { QueryExecution: { Status: { State: done ? 'SUCCEEDED' : 'RUNNING' }, Statistics: {} } };
    },
  };
  await runQuery(athena, {
    sql: 'SELECT 1', database: 'db', workgroup: 'wg', clientRequestToken: 'bench-query-poll-0123456789abcdef0123',
  }, { now: () => now, sleep: async (ms) => { now += ms; }, maxWaitMs: 3_600_000 });
  const lateSeconds = (noticedAt - runSeconds * 1000) / 1000;
  const allowed = Math.max(1, runSeconds / 10);
  report('query-poll', {
    runSeconds, apiCalls: calls, statusChecks: calls - 1, noticedLateSeconds: lateSeconds, allowedLateSeconds: allowed, withinTarget: lateSeconds <= allowed,
  });
}
