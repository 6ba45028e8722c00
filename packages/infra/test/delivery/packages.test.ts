// What `npm publish` would ship from each package, and the links npm and trusted publishing need.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryRepository } from '../../../../projenrc/delivery-workflows';

const packagesDir = join(__dirname, '..', '..', '..');
const PACKAGES = ['core', 'connector', 'functions', 'infra'];
const ALWAYS_SHIPPED = ['LICENSE', 'README.md', 'package.json'];

let packedFiles: Map<string, string[]> | undefined;
/**
 * The files `npm pack` would put in a package's tarball. One `npm pack --dry-run` for every workspace
 * (npm's start-up is most of a run's time); each workspace's list is the one `npm pack` in its folder gives.
 */
function filesPackedBy(name: string): string[] {
  if (!packedFiles) {
    // infra's tests read the connector from its source, so its lib/ may not be built yet (a fresh clone's
    // `npm test`, or its build still under way in the same Nx run): a package without its main file is
    // compiled first as its build does (the same files), or its tarball would be checked without its code.
    const unbuilt = PACKAGES.filter((p) => !existsSync(join(packagesDir, p, JSON.parse(readFileSync(join(packagesDir, p, 'package.json'), 'utf8')).main)));
    for (const p of unbuilt) {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [join(packagesDir, p)] }), '--build'], { cwd: join(packagesDir, p), stdio: 'pipe' });
    }
    const workspaces = PACKAGES.flatMap((p) => ['--workspace', `packages/${p}`]);
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ...workspaces], {
      // npm's messages are kept: a failing npm pack shows them in the error.
      cwd: join(packagesDir, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    })) as { name: string; files: { path: string }[] }[];
    packedFiles = new Map(packed.map((p) => [p.name, p.files.map((f) => f.path)]));
  }
  const files = packedFiles.get(`@snaplake/${name}`);
  if (!files) throw new Error(`npm pack listed no package @snaplake/${name}; it listed ${[...packedFiles.keys()].join(', ')}`);
  return files;
}

describe.each(PACKAGES)('the %s package', (name) => {
  const dir = join(packagesDir, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

  test('ships only its compiled code and typings, and the files its package.json names (no sources, tests or test reports)', () => {
    const paths = filesPackedBy(name);
    expect(manifest.name).toBe(`@snaplake/${name}`);
    expect(paths).toEqual(expect.arrayContaining(ALWAYS_SHIPPED));
    // The bin and the non-code export targets (core: its bin shim and the config's JSON Schema).
    const named = [...Object.values(manifest.bin ?? {}), ...Object.values(manifest.exports ?? {}).filter((t): t is string => typeof t === 'string')]
      .map((p) => String(p).replace(/^\.\//, '')).filter((p) => !p.startsWith('lib/'));
    expect(paths).toEqual(expect.arrayContaining(named));
    expect(paths.filter((p) => !ALWAYS_SHIPPED.includes(p) && !named.includes(p) && !/^lib\/.+(\.js|\.d\.ts)$/.test(p))).toEqual([]);
    expect(manifest.files.slice(0, 2)).toEqual(['lib/**/*.js', 'lib/**/*.d.ts']);
    // The code and typings a consumer loads: main, types and every export target.
    const targets = (value: unknown): string[] => (typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap(targets));
    const loaded = [manifest.main, manifest.types, ...targets(manifest.exports)].map((p) => String(p).replace(/^\.\//, ''));
    expect(loaded.filter((p) => !paths.includes(p))).toEqual([]);
  });

  test('names the repository of the config in use (trusted publishing checks it), its homepage and issue tracker', () => {
    const repository = deliveryRepository(join(packagesDir, '..'), { SNAPLAKE_CONFIG: process.env.SNAPLAKE_CONFIG_IN_USE });
    if (!repository) {
      expect(manifest.repository).toBeUndefined();
      return;
    }
    const github = `https://github.com/${repository.owner}/${repository.repository}`;
    const hint = 'regenerate the package manifests: SNAPLAKE_CONFIG=<your config> npx projen';
    expect({ repository: manifest.repository, homepage: manifest.homepage, bugs: manifest.bugs, hint }).toEqual({
      repository: { type: 'git', url: `git+${github}.git`, directory: `packages/${name}` },
      homepage: `${github}/tree/main/packages/${name}#readme`,
      bugs: { url: `${github}/issues` },
      hint,
    });
  });
});
