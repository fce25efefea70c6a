import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * signWebhookBody returns the X-Pulsar-Signature of a generic webhook's raw body:
 * "sha256=<hex HMAC-SHA256 of the body under the channel's secret>".
 */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * verifyWebhookSignature is what a receiver does: recompute the signature over the raw body and
 * compare in constant time. Kept beside the signer so both sides agree on the format.
 */
export function verifyWebhookSignature(body: string, secret: string, header: string): boolean {
  const expected = Buffer.from(signWebhookBody(body, secret));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}
