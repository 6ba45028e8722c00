// `npm run verify-permissions`: synthesizes the app from your config (snaplake.config.json, or
// SNAPLAKE_CONFIG) and queries, as `npm run synth` does, then simulates every request snaplake makes
// against the synthesized policies and lists denied requests and granted actions no request uses.
// Exit code 0 when there are none, 1 otherwise (and on a config that does not build).
// A test tool: it needs the repository's devDependencies (see SECURITY.md, "How permissions are verified").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { StackTemplate } from './resolve';
import { describeReport, verifyPermissions } from './verify';
import { buildApp, configPath, loadSnaplakeConfig, queriesDirectory, REPOSITORY_ROOT, stacksIn } from '../../src';

async function main(): Promise<number> {
  const file = configPath();
  const config = loadSnaplakeConfig(file);
  const outdir = mkdtempSync(join(tmpdir(), 'snaplake-verify-permissions-'));
  try {
    process.env.CDK_VALIDATION = 'false';
    const { app } = buildApp(config, outdir, { queriesDir: queriesDirectory(file) });
    const stacks = stacksIn(app);
    const assembly = app.synth();
    const artifacts = [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks)];
    const templates: StackTemplate[] = stacks.map((stack) => ({
      id: stack.node.path,
      stackName: stack.stackName,
      account: stack.account,
      region: stack.region,
      template: artifacts.find((a) => a.hierarchicalId === stack.node.path)!.template,
    }));
    const report = await verifyPermissions(config, templates);
    const problems = describeReport(report);
    for (const line of problems) console.error(line);
    console.log(`config: ${relative(REPOSITORY_ROOT, file)}; ${templates.length} stacks; ${report.requests.length} requests simulated, `
      + `${report.denied.length} denied; ${report.unused.length} unused grants; ${report.allowlisted.length} unused grants kept by the allowlist`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().then((code) => {
  process.exitCode = code;
}, (error: Error) => {
  console.error(`verify-permissions failed: ${error.message}`);
  process.exitCode = 1;
});
