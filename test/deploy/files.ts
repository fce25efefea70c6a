import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";

/** root is the repository's directory. */
export const root = fileURLToPath(new URL("../../", import.meta.url));

/** readText reads a file of the repository. */
export function readText(path: string): string {
  return readFileSync(`${root}${path}`, "utf8");
}

/** readYaml parses a YAML file of the repository; any error or warning fails the test. */
export function readYaml<T>(path: string): T {
  // merge: the compose file shares one environment between services with `<<: *anchor`.
  const document = parseDocument(readText(path), {
    prettyErrors: true,
    uniqueKeys: true,
    merge: true,
  });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) throw new Error(`${path}: ${problems.map(String).join("\n")}`);
  return document.toJS() as T;
}
