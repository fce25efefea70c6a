import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { sumOfPhases } from "../../../test/support/check-timings.js";
import {
  checkTarget,
  closedPort,
  PAGE_KEYWORD,
  startHttpTarget,
  type TestTarget,
} from "../../../test/support/targets.js";
import { runCheck } from "./run-check.js";

let http: TestTarget;

beforeAll(async () => {
  http = await startHttpTarget();
});

afterAll(async () => {
  await http.close();
});

describe("timeouts", () => {
  it("gives up on a hanging target at timeoutMs and closes the connection", async () => {
    const result = await runCheck(checkTarget(`${http.url}/hang`, { timeoutMs: 300 }));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
    expect(result.error).toContain("timeout after 300 ms");
    expect(result.error).toContain("waiting for the response");
    const total = result.timing?.totalMs ?? 0;
    expect(total).toBeGreaterThan(295);
    expect(total).toBeLessThan(340);
    expect(Math.abs(sumOfPhases(result.timing) - total)).toBeLessThan(1);
    // The wait is credited to TTFB, not to the connect before it (which a loaded machine slows).
    expect(result.timing?.ttfbMs).toBeGreaterThan(total * 0.8);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await http.openConnections()).toBe(0);
  });

  it("bounds all redirect hops together by one timeout", async () => {
    const target = checkTarget(`${http.url}/redirect?n=2&to=/hang`, {
      timeoutMs: 300,
      followRedirects: true,
    });
    const result = await runCheck(target);
    expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
    expect(result.redirectCount).toBe(2);
    expect(result.timing?.totalMs).toBeLessThan(340);
  });

  it("stops at once, down, when its signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const result = await runCheck(checkTarget(`${http.url}/hang`), { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.up).toBe(false);
    expect(result.error).toBe("check cancelled");
  });
});

describe("redirects", () => {
  it("follows a chain of three redirects to the final page", async () => {
    const result = await runCheck(
      checkTarget(`${http.url}/redirect?n=3`, { followRedirects: true }),
    );
    expect(result.up, result.error).toBe(true);
    expect(result.statusCode).toBe(200);
    expect(result.redirectCount).toBe(3);
    expect(result.timing?.redirectMs).toBeGreaterThan(0);
    expect(Math.abs(sumOfPhases(result.timing) - (result.timing?.totalMs ?? 0))).toBeLessThan(1);
  });

  it("judges the redirect itself when not following redirects", async () => {
    const url = `${http.url}/redirect?n=3`;
    const accepted = await runCheck(checkTarget(url));
    expect(accepted.up).toBe(true);
    expect(accepted.statusCode).toBe(302);
    expect(accepted.redirectCount).toBe(0);
    const strict = await runCheck(checkTarget(url, { expectedStatus: [{ min: 200, max: 299 }] }));
    expect(strict.up).toBe(false);
    expect(strict.errorKind).toBe(CheckErrorKind.STATUS);
    expect(strict.error).toBe("unexpected status 302 (expected 200-299)");
  });

  it("gives up after more than 10 redirects", async () => {
    const result = await runCheck(checkTarget(`${http.url}/loop`, { followRedirects: true }));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.REDIRECT);
    expect(result.error).toBe("too many redirects (more than 10)");
    expect(result.redirectCount).toBe(10);
  });

  it("turns a POST into a GET on 303 and keeps it on 307, as browsers do", async () => {
    const post = { followRedirects: true, method: "POST", body: "hello" };
    const seeOther = checkTarget(`${http.url}/redirect?n=1&status=303&to=/echo`, {
      ...post,
      keyword: "GET ",
    });
    const temporary = checkTarget(`${http.url}/redirect?n=1&status=307&to=/echo`, {
      ...post,
      keyword: "POST hello",
    });
    const [a, b] = await Promise.all([runCheck(seeOther), runCheck(temporary)]);
    expect(a.up, a.error).toBe(true);
    expect(b.up, b.error).toBe(true);
  });
});

describe("keywords", () => {
  const page = () => `${http.url}/page`;

  it("is up when the keyword is on the page", async () => {
    const result = await runCheck(checkTarget(page(), { keyword: PAGE_KEYWORD }));
    expect(result.up, result.error).toBe(true);
  });

  it("is down when the keyword is missing", async () => {
    const result = await runCheck(checkTarget(page(), { keyword: "foo" }));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.KEYWORD);
    expect(result.error).toBe('keyword "foo" not found in the first 1 MiB of the body');
  });

  it("inverts: down when the keyword is present, up when absent", async () => {
    const present = await runCheck(
      checkTarget(page(), { keyword: PAGE_KEYWORD, invertKeyword: true }),
    );
    expect(present.up).toBe(false);
    expect(present.errorKind).toBe(CheckErrorKind.KEYWORD);
    const absent = await runCheck(checkTarget(page(), { keyword: "foo", invertKeyword: true }));
    expect(absent.up, absent.error).toBe(true);
  });

  it("searches only the first 1 MiB but counts every byte", async () => {
    const bytes = 2_000_000;
    const late = await runCheck(
      checkTarget(`${http.url}/large?bytes=${bytes}&keyword=needle&at=1500000`, {
        keyword: "needle",
      }),
    );
    expect(late.up).toBe(false);
    expect(late.errorKind).toBe(CheckErrorKind.KEYWORD);
    expect(late.responseBytes).toBe(BigInt(bytes));
    const early = await runCheck(
      checkTarget(`${http.url}/large?bytes=${bytes}&keyword=needle&at=1000000`, {
        keyword: "needle",
      }),
    );
    expect(early.up, early.error).toBe(true);
    expect(early.responseBytes).toBe(BigInt(bytes));
  });
});

describe("unreachable targets", () => {
  it("reports a refused connection with the address and port", async () => {
    const port = await closedPort();
    const result = await runCheck(checkTarget(`http://127.0.0.1:${port}/`));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.CONNECTION_REFUSED);
    expect(result.error).toBe(`connection refused by 127.0.0.1:${port}`);
    expect(result.statusCode).toBe(0);
  });

  it("reports a name that does not resolve as a DNS failure", async () => {
    const result = await runCheck(checkTarget("http://nothing-here.invalid/"));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.DNS);
    // ENOTFOUND here; a resolver without network may answer EAI_AGAIN.
    expect(result.error).toMatch(
      /^DNS lookup failed for nothing-here\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/,
    );
    expect(result.timing?.dnsMs).toBeGreaterThan(0);
    expect(result.timing?.connectMs).toBe(0);
  });

  it("reports a TLS error when HTTPS reaches a plain HTTP port", async () => {
    const result = await runCheck(checkTarget(`${http.url.replace("http:", "https:")}/ok`));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.TLS);
    expect(result.error).toMatch(/^TLS error: .+ \(ERR_SSL_/);
  });

  it("resolves, never rejects, for a URL it cannot use", async () => {
    const invalid = await runCheck(checkTarget("not a url"));
    expect(invalid.up).toBe(false);
    expect(invalid.error).toBe('invalid URL "not a url"');
    const ftp = await runCheck(checkTarget("ftp://127.0.0.1/"));
    expect(ftp.error).toBe("unsupported URL scheme ftp: (use http or https)");
  });
});

describe("status codes", () => {
  it("is down on a status outside the default 200-399", async () => {
    const result = await runCheck(checkTarget(`${http.url}/status/503`));
    expect(result.up).toBe(false);
    expect(result.statusCode).toBe(503);
    expect(result.errorKind).toBe(CheckErrorKind.STATUS);
    expect(result.error).toBe("unexpected status 503 (expected 200-399)");
  });

  it("accepts any status in the listed ranges and names them all when it fails", async () => {
    const ranges = [
      { min: 200, max: 299 },
      { min: 404, max: 404 },
    ];
    const notFound = await runCheck(
      checkTarget(`${http.url}/status/404`, { expectedStatus: ranges }),
    );
    expect(notFound.up, notFound.error).toBe(true);
    const gone = await runCheck(checkTarget(`${http.url}/status/410`, { expectedStatus: ranges }));
    expect(gone.error).toBe("unexpected status 410 (expected 200-299, 404)");
  });
});
