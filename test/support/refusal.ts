import { type Code, ConnectError } from "@connectrpc/connect";

/**
 * refusal resolves with the Connect code and message a call was refused with; it fails the test
 * when the call succeeds.
 */
export async function refusal(call: Promise<unknown>): Promise<[Code, string]> {
  try {
    await call;
  } catch (error) {
    const e = ConnectError.from(error);
    return [e.code, e.rawMessage];
  }
  throw new Error("expected the call to be refused");
}
