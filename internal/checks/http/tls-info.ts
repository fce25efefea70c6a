import type { X509Certificate } from "node:crypto";
import tls, { type SecureContext } from "node:tls";

let defaultContext: SecureContext | undefined;
/** Contexts built for CAs passed as options, keyed by the PEM text; a few at most. */
const contextsByCa = new Map<string, SecureContext>();
const MAX_CA_CONTEXTS = 16;

/**
 * secureContextFor returns the TLS context a check uses: the one given, else one built for
 * `ca` (cached per CA text), else a process-wide default trusting Node's root CAs. Building a
 * context parses the whole root store (milliseconds of CPU), so checks must share one.
 */
export function secureContextFor(given?: SecureContext, ca?: string | Buffer): SecureContext {
  if (given !== undefined) return given;
  if (ca !== undefined) {
    // Keyed by content, not identity: a caller reading the CA file per check must not make
    // a context (and a cache entry) per check.
    const key = typeof ca === "string" ? ca : ca.toString("latin1");
    let context = contextsByCa.get(key);
    if (context === undefined) {
      context = tls.createSecureContext({ ca });
      if (contextsByCa.size >= MAX_CA_CONTEXTS) contextsByCa.clear();
      contextsByCa.set(key, context);
    }
    return context;
  }
  defaultContext ??= tls.createSecureContext();
  return defaultContext;
}

/** certExpiresAtMs returns the certificate's notAfter as epoch ms, or undefined if unparsable. */
export function certExpiresAtMs(cert: X509Certificate): number | undefined {
  // validTo reads like "Oct 31 15:28:03 2126 GMT", a form Date.parse understands.
  const ms = Date.parse(cert.validTo);
  return Number.isNaN(ms) ? undefined : ms;
}

/** certIssuerName returns the issuer's organisation (O), else its common name (CN), else "". */
export function certIssuerName(cert: X509Certificate): string {
  // issuer is one "KEY=value" per line, e.g. "C=US\nO=Let's Encrypt\nCN=R11".
  const lines = cert.issuer.split("\n");
  let cn = "";
  for (const line of lines) {
    if (line.startsWith("O=")) return line.slice(2);
    if (line.startsWith("CN=")) cn = line.slice(3);
  }
  return cn;
}

/** Words for the verification codes Node reports in TLSSocket.authorizationError. */
const VERIFY_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in certificate chain",
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unable to verify the first certificate",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unable to get local issuer certificate",
  UNABLE_TO_GET_ISSUER_CERT: "unable to get issuer certificate",
  CERT_SIGNATURE_FAILURE: "certificate signature failure",
  CERT_REVOKED: "certificate revoked",
  CERT_UNTRUSTED: "certificate not trusted",
  CERT_REJECTED: "certificate rejected",
  INVALID_CA: "invalid CA certificate",
  INVALID_PURPOSE: "unsupported certificate purpose",
  PATH_LENGTH_EXCEEDED: "path length constraint exceeded",
  HOSTNAME_MISMATCH: "hostname mismatch",
};

/**
 * TlsVerifyError is the error a check raises itself when Node's verdict on a certificate
 * (TLSSocket.authorized) is negative, so that the certificate can still be read first.
 */
export class TlsVerifyError extends Error {
  readonly code: string;
  constructor(code: string, words: string) {
    super(words);
    this.name = "TlsVerifyError";
    this.code = code;
  }
}

/** tlsVerifyError names why a certificate was not trusted for `host`. */
export function tlsVerifyError(
  code: string,
  cert: X509Certificate | undefined,
  host: string,
): TlsVerifyError {
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    // Reported as OpenSSL's HOSTNAME_MISMATCH: undici gives Node's code a special path that
    // expects Node, not us, to have raised it.
    const names = cert?.subjectAltName ?? "none";
    return new TlsVerifyError(
      "HOSTNAME_MISMATCH",
      `certificate does not name ${host}; it names ${names}`,
    );
  }
  return new TlsVerifyError(code, VERIFY_WORDS[code] ?? "certificate verification failed");
}
