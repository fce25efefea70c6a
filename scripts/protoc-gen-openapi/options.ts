// The plugin's options, as buf.gen.yaml passes them (`opt:` entries, key=value).

/** OpenApiOptions say what the .proto files cannot: who may call what, and how. */
export interface OpenApiOptions {
  /** info.title and info.version of the document. */
  title: string;
  version: string;
  /** Methods that need no credentials, as "pulsar.v1.AuthService/SignUp". */
  publicMethods: ReadonlySet<string>;
  /** Methods only a signed-in member may call: the session cookie, never an API token. */
  sessionMethods: ReadonlySet<string>;
  /** Services that take only an agent token ("pulsar.v1.IngestService"). */
  agentServices: ReadonlySet<string>;
  /** Services that take only a probe token ("pulsar.v1.ProbeCheckService"). */
  probeServices: ReadonlySet<string>;
  /** The session cookie's name; absent: no cookie scheme. */
  sessionCookie?: string;
  /** A JSON file of request examples by method ("pulsar.v1.AuthService/SignUp": {...}). */
  examples?: string;
}

/**
 * parseOptions reads the raw options. An unknown key is an error, as protoplugin asks of a
 * plugin: a typo in buf.gen.yaml must not silently change the document.
 */
export function parseOptions(raw: readonly { key: string; value: string }[]): OpenApiOptions {
  const publicMethods = new Set<string>();
  const sessionMethods = new Set<string>();
  const agentServices = new Set<string>();
  const probeServices = new Set<string>();
  const options: OpenApiOptions = {
    title: "API",
    version: "1",
    publicMethods,
    sessionMethods,
    agentServices,
    probeServices,
  };
  for (const { key, value } of raw) {
    switch (key) {
      case "title":
        options.title = value;
        break;
      case "version":
        options.version = value;
        break;
      case "public_method":
        publicMethods.add(value);
        break;
      case "session_method":
        sessionMethods.add(value);
        break;
      case "agent_service":
        agentServices.add(value);
        break;
      case "probe_service":
        probeServices.add(value);
        break;
      case "session_cookie":
        options.sessionCookie = value;
        break;
      case "examples":
        options.examples = value;
        break;
      default:
        throw new Error(`protoc-gen-openapi: unknown option "${key}"`);
    }
  }
  return options;
}

/** splitParameter turns protoc's parameter string ("a=1,b=2") into raw options. */
export function splitParameter(parameter: string): { key: string; value: string }[] {
  return parameter
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0
        ? { key: part, value: "" }
        : { key: part.slice(0, eq), value: part.slice(eq + 1) };
    });
}
