/** SESSION_COOKIE is the name of the session cookie. */
export const SESSION_COOKIE = "pulsar_session";

/** SESSION_TTL_MS is how long a session lasts after sign-in: 30 days. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * readCookie returns one cookie's value from a Cookie header. Hand-written rather than a cookie
 * library: Pulsar reads exactly one cookie, whose value (base64url) needs no decoding.
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * sessionCookie is the Set-Cookie value for a session secret: HttpOnly (scripts cannot read it),
 * SameSite=Lax (not sent on cross-site subrequests or POSTs), Secure over HTTPS. An empty
 * secret with maxAgeMs 0 clears it.
 */
export function sessionCookie(
  secret: string,
  options: { secure: boolean; maxAgeMs: number },
): string {
  const attributes = [
    `${SESSION_COOKIE}=${secret}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.floor(options.maxAgeMs / 1000)}`,
  ];
  if (options.secure) attributes.push("Secure");
  return attributes.join("; ");
}
