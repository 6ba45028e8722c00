import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Component, javascript } from 'projen';

/**
 * Declares an optional peer dependency with a range projen would otherwise rewrite. Projen turns a
 * `*` peer into `^<installed version>` (or drops it when nothing is installed in the package), and
 * every release of some packages (such as @duckdb/node-api, `1.5.5-r.5`) is a prerelease that no
 * other range accepts. So the range is written after projen has written package.json.
 */
export function optionalPeerDependency(project: javascript.NodeProject, name: string, range: string): void {
  project.package.addField('peerDependenciesMeta', { [name]: { optional: true } });
  new (class extends Component {
    postSynthesize(): void {
      const file = join(project.outdir, 'package.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      manifest.peerDependencies = { ...manifest.peerDependencies, [name]: range };
      writeFileSync(file, `${JSON.stringify(manifest, undefined, 2)}\n`);
    }
  })(project);
}
