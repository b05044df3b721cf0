/**
 * ajv's standalone code, even with `code.esm`, still `require`s its small runtime helpers
 * (string length in code points, deep equality); an ES module must import them. `specifier`
 * gives each helper's import: a package path, or an absolute URL for a file that may be
 * anywhere.
 */
export function importRuntimeHelpers(code: string, specifier: (helper: string) => string): string {
  const imports: string[] = [];
  const body = code.replace(
    /require\(["'](ajv\/dist\/runtime\/[a-z0-9]+)["']\)/g,
    (_, helper: string) => {
      const name = `runtime${imports.length}`;
      // The code reads `.default` of the CommonJS exports; loaders differ in what a default
      // import of CommonJS gives (the exports object, or its `default`), so accept both.
      imports.push(
        `import * as ${name}Module from ${JSON.stringify(specifier(helper))};`,
        `const ${name} = ${name}Module.default?.default ? ${name}Module.default : ${name}Module;`,
      );
      return name;
    },
  );
  return `${imports.join('\n')}\n${body.replace(/^"use strict";/, '')}\n`;
}
