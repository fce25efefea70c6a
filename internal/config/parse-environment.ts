import { type $ZodObject, type output, safeParse } from "zod/v4/core";

/** ConfigError names every variable that is wrong and what it expects. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * parseEnvironment parses the variables of `env` that `schema` names (an empty value counts as
 * unset) and freezes the result, or throws a ConfigError naming every wrong variable. Shared
 * by every process's own schema. It takes zod's core type, so a schema written with full zod
 * (the API's and worker's) and one written with zod/mini (the agent's: 10 MiB less resident
 * memory than full zod) both fit, and it loads neither.
 */
export function parseEnvironment<S extends $ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv,
): Readonly<output<S>> {
  const shape = schema._zod.def.shape;
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in shape && value !== ""),
  );
  const parsed = safeParse(schema, present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const got = present[name];
      // A token is a secret even when malformed (a stray space, a truncated paste).
      const shown = name.endsWith("_TOKEN") ? `${got?.length} characters` : JSON.stringify(got);
      if (got === undefined) return `${issue.path.join(".")}: is required`;
      return `${issue.path.join(".")}: ${issue.message} (got ${shown})`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return Object.freeze(parsed.data);
}
