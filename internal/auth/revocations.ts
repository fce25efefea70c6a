import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { type CredentialRevoked, CredentialRevokedSchema } from "../../gen/pulsar/v1/auth_pb.js";
import type { Caller } from "./caller.js";

/** revocationChannel is the Redis channel of CredentialRevoked notices. */
export function revocationChannel(prefix: string): string {
  return `${prefix}:auth:revoked`;
}

/** Revocation names what stopped being valid. */
export type Revocation = CredentialRevoked["credential"];

/** RevocationPublisher tells every API process that a credential stopped being valid. */
export type PublishRevocation = (revocation: Revocation) => Promise<void>;

/** createRevocationPublisher publishes binary pulsar.v1.CredentialRevoked notices. */
export function createRevocationPublisher(
  redis: Pick<Redis, "publish">,
  prefix: string,
): PublishRevocation {
  return async (credential) => {
    const message = create(CredentialRevokedSchema, { credential });
    await redis.publish(
      revocationChannel(prefix),
      Buffer.from(toBinary(CredentialRevokedSchema, message)),
    );
  };
}

/** decodeRevocation reads a notice; undefined for bytes that are not one. */
export function decodeRevocation(bytes: Uint8Array): Revocation | undefined {
  try {
    return fromBinary(CredentialRevokedSchema, bytes).credential;
  } catch {
    return undefined;
  }
}

/** revokes tells whether a notice ends what a caller authenticated with. */
export function revokes(revocation: Revocation, caller: Caller): boolean {
  switch (revocation.case) {
    case "sessionHash":
      return (
        caller.sessionHash !== undefined && Buffer.from(revocation.value).equals(caller.sessionHash)
      );
    case "userId":
      return caller.sessionHash !== undefined && caller.user?.id === revocation.value;
    case "apiTokenId":
      return caller.tokenId === revocation.value;
    default:
      return false;
  }
}
