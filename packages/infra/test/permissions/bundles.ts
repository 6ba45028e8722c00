// The AWS SDK commands a handler bundle sends: `new <client module>.<Name>Command(` in the esbuild
// output (the SDK itself is not bundled: Lambda's Node.js runtime provides it), and paginators.

/** The SDK command class names a bundle's code constructs, sorted. */
export function commandsOfBundle(code: string): string[] {
  const commands = new Set<string>();
  for (const match of code.matchAll(/new [A-Za-z_$][\w$]*\.([A-Z]\w*Command)\(/g)) commands.add(match[1]!);
  for (const match of code.matchAll(/\bpaginate([A-Z]\w*)\(/g)) commands.add(`${match[1]}Command`);
  return [...commands].sort();
}
