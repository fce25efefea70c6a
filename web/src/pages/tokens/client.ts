import type { Client } from "@connectrpc/connect";
import type { AuthService } from "../../../../gen/pulsar/v1/auth_pb";

/**
 * TokensClient is the part of pulsar.v1.AuthService the tokens page calls: the app passes its
 * one authClient, tests an in-memory one (createRouterTransport).
 */
export type TokensClient = Pick<
  Client<typeof AuthService>,
  "listApiTokens" | "createApiToken" | "revokeApiToken"
>;

/** TokensDeps are what the tokens page's data comes from. */
export interface TokensDeps {
  client: TokensClient;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
}
