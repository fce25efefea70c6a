import { TokenScope } from "../../../../gen/pulsar/v1/auth_pb";

/** SCOPE_LABEL names each scope as the page shows it. */
export const SCOPE_LABEL: Record<TokenScope, string> = {
  [TokenScope.UNSPECIFIED]: "API",
  [TokenScope.API]: "API",
  [TokenScope.WORKER]: "Worker",
  [TokenScope.AGENT]: "Agent",
  // Probe tokens are the installation's, listed on the Regions page; named here for completeness.
  [TokenScope.PROBE]: "Probe",
};

/** CreatableScope is a scope the create form offers (agent tokens are made for a host). */
export type CreatableScope = "API" | "Worker";

/** CREATABLE_SCOPES map the form's choices to scopes, with what each is for. */
export const CREATABLE_SCOPES: Record<CreatableScope, { scope: TokenScope; hint: string }> = {
  API: {
    scope: TokenScope.API,
    hint: "For scripts and CI: every call a member may make, as Authorization: Bearer <token>.",
  },
  Worker: {
    scope: TokenScope.WORKER,
    hint: "For a worker's PULSAR_WORKER_TOKEN: its host's samples then belong to this organization. Not accepted by the API.",
  },
};
