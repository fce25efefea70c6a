import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type ApiToken,
  ApiTokenSchema,
  type Invitation,
  InvitationSchema,
  type Organization,
  OrganizationSchema,
  Role,
  TokenScope,
  type User,
  UserSchema,
} from "../../gen/pulsar/v1/auth_pb.js";
import type {
  InvitationRow,
  OrgRow,
  RoleName,
  TokenRow,
  TokenScopeName,
} from "../accounts/accounts.js";

/** roleMessage maps a stored role to the proto enum. */
export const roleMessage = (role: RoleName): Role => (role === "admin" ? Role.ADMIN : Role.MEMBER);

/**
 * TOKEN_SCOPES maps the proto enum to the scopes CreateApiToken makes (unspecified means api);
 * a probe token is made by ProbeService.CreateProbeToken, with its region.
 */
export const TOKEN_SCOPES: Readonly<Partial<Record<TokenScope, TokenScopeName>>> = {
  [TokenScope.UNSPECIFIED]: "api",
  [TokenScope.API]: "api",
  [TokenScope.WORKER]: "worker",
  [TokenScope.AGENT]: "agent",
};

const SCOPE_MESSAGES: Readonly<Record<TokenScopeName, TokenScope>> = {
  api: TokenScope.API,
  worker: TokenScope.WORKER,
  agent: TokenScope.AGENT,
  probe: TokenScope.PROBE,
};

/** userMessage builds a pulsar.v1.User. */
export function userMessage(user: {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  createdAt: Date;
}): User {
  return create(UserSchema, {
    id: user.id,
    email: user.email,
    name: user.name,
    role: roleMessage(user.role),
    createdAt: timestampFromDate(user.createdAt),
  });
}

/** organizationMessage builds a pulsar.v1.Organization. */
export function organizationMessage(org: OrgRow): Organization {
  return create(OrganizationSchema, {
    id: org.id,
    name: org.name,
    createdAt: timestampFromDate(org.createdAt),
  });
}

/** apiTokenMessage builds a pulsar.v1.ApiToken (never the secret). */
export function apiTokenMessage(token: TokenRow): ApiToken {
  return create(ApiTokenSchema, {
    id: token.id,
    name: token.name,
    scope: SCOPE_MESSAGES[token.scope],
    prefix: token.prefix,
    createdAt: timestampFromDate(token.createdAt),
    lastUsedAt: token.lastUsedAt && timestampFromDate(token.lastUsedAt),
    createdBy: token.createdByEmail,
  });
}

/** invitationMessage builds a pulsar.v1.Invitation (never its token). */
export function invitationMessage(invitation: InvitationRow): Invitation {
  return create(InvitationSchema, {
    id: invitation.id,
    email: invitation.email,
    role: roleMessage(invitation.role),
    expiresAt: timestampFromDate(invitation.expiresAt),
  });
}
