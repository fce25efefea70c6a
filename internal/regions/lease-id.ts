import { randomBytes } from "node:crypto";

// A lease id names one check job of a region's queue and carries the token its BullMQ lock (and
// its checks' monitor locks) were taken with: any API process can extend or complete it, with
// nothing kept in memory. The probe treats it as opaque.

/** LeaseRef is what a lease id stands for. */
export interface LeaseRef {
  jobId: string;
  token: string;
}

/** MAX_LEASE_ID_LENGTH bounds a lease id as a request may send it. */
export const MAX_LEASE_ID_LENGTH = 200;

const LEASE_ID = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{1,160})$/;

/** newLeaseToken is a fresh lock token: a lease lost and taken again gets another one. */
export function newLeaseToken(): string {
  return randomBytes(16).toString("hex");
}

/** encodeLeaseId makes the id of a lease of job `jobId` taken with `token`. */
export function encodeLeaseId(ref: LeaseRef): string {
  return `${ref.token}.${Buffer.from(ref.jobId, "utf8").toString("base64url")}`;
}

/** decodeLeaseId reads a lease id; undefined for one no API made. */
export function decodeLeaseId(id: string): LeaseRef | undefined {
  if (id.length > MAX_LEASE_ID_LENGTH) return undefined;
  const match = LEASE_ID.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  const jobId = Buffer.from(match[2], "base64url").toString("utf8");
  // A round trip that changes it was not base64url of a job id (padding bits, say).
  if (jobId === "" || encodeLeaseId({ jobId, token: match[1] }) !== id) return undefined;
  return { jobId, token: match[1] };
}
