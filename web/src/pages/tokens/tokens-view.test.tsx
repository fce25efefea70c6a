// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ApiToken,
  ApiTokenSchema,
  AuthService,
  TokenScope,
} from "../../../../gen/pulsar/v1/auth_pb";
import { TokensView } from "./tokens-view";

afterEach(cleanup);

/** The fake's quota of tokens, and its refusal in the server's words. */
const TOKEN_QUOTA = 1;
const QUOTA_MESSAGE =
  "this organization has reached its limit of 1 API and worker tokens (PULSAR_ORG_MAX_API_TOKENS); revoke some first";

/** An in-memory AuthService holding tokens, as the server would, up to TOKEN_QUOTA of them. */
function setup(initial: ApiToken[] = []) {
  let tokens = [...initial];
  const revoked: string[] = [];
  const copied: string[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(AuthService, {
      listApiTokens: () => ({ apiTokens: tokens }),
      createApiToken: (req) => {
        if (req.name === "") throw new ConnectError("name is required", Code.InvalidArgument);
        if (tokens.length >= TOKEN_QUOTA)
          throw new ConnectError(QUOTA_MESSAGE, Code.ResourceExhausted);
        const apiToken = create(ApiTokenSchema, {
          id: `t${tokens.length + 1}`,
          name: req.name,
          scope: req.scope,
          prefix: "pulsar_api_Xk3f…",
          createdAt: timestampFromMs(Date.now()),
          createdBy: "ada@example.com",
        });
        tokens = [apiToken, ...tokens];
        return { token: "pulsar_api_Xk3fSECRETSECRET", apiToken };
      },
      revokeApiToken: (req) => {
        revoked.push(req.id);
        tokens = tokens.filter((t) => t.id !== req.id);
        return {};
      },
    });
  });
  render(
    <TokensView
      client={createClient(AuthService, transport)}
      onUnauthenticated={() => {}}
      copy={async (text) => {
        copied.push(text);
      }}
    />,
  );
  return { revoked, copied };
}

const ciToken = create(ApiTokenSchema, {
  id: "t0",
  name: "ci",
  scope: TokenScope.API,
  prefix: "pulsar_api_Ab12…",
  createdAt: timestampFromMs(Date.now() - 86_400_000),
  createdBy: "ada@example.com",
});

describe("TokensView", () => {
  it("shows a new token's secret once and lists the token", async () => {
    const { copied } = setup();
    await screen.findByText("No tokens yet.");

    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "deploys" } });
    fireEvent.change(screen.getByLabelText("Scope"), { target: { value: "Worker" } });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));

    const secret = (await screen.findByLabelText("Secret")) as HTMLInputElement;
    expect(secret.value).toBe("pulsar_api_Xk3fSECRETSECRET");
    expect(secret.readOnly).toBe(true);
    // The warning describes the secret's field, so a screen reader reads it with the secret.
    const warning = document.getElementById(secret.getAttribute("aria-describedby") ?? "");
    expect(warning?.textContent).toBe(
      "Copy the secret now: it will not be shown again. Pulsar keeps only its hash.",
    );
    const row = screen.getByRole("rowheader", { name: "deploys" }).closest("tr");
    const cells = [...(row as HTMLTableRowElement).cells].slice(0, 3).map((c) => c.textContent);
    expect(cells).toEqual(["deploys", "Worker", "pulsar_api_Xk3f…"]);

    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    await screen.findByRole("button", { name: "Copied" });
    expect(copied).toEqual(["pulsar_api_Xk3fSECRETSECRET"]);

    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByLabelText("Secret")).toBeNull();
    expect(document.body.textContent).not.toContain("SECRETSECRET");
    expect(screen.getAllByRole("rowheader").map((cell) => cell.textContent)).toEqual(["deploys"]);
  });

  it("shows the server's validation message beside the field it names", async () => {
    setup();
    await screen.findByText("No tokens yet.");
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    const error = await screen.findByText("name is required");
    expect(screen.getByLabelText("Name").getAttribute("aria-describedby")).toContain(error.id);
  });

  it("shows the quota's refusal below the form, showing no secret", async () => {
    setup([ciToken]);
    await screen.findByRole("rowheader", { name: "ci" });
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "deploys" } });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(QUOTA_MESSAGE);
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBeNull();
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("deploys");
    expect(screen.queryByLabelText("Secret")).toBeNull();
    expect(screen.queryByRole("rowheader", { name: "deploys" })).toBeNull();
  });

  it("asks for confirmation before revoking a token", async () => {
    const { revoked } = setup([ciToken]);
    fireEvent.click(await screen.findByRole("button", { name: "Revoke ci" }));

    const dialog = (await screen.findByRole("dialog", {
      name: "Revoke “ci”?",
    })) as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(revoked).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(revoked).toEqual([]);
    expect(dialog.open).toBe(false);
    expect(screen.getAllByRole("rowheader").map((cell) => cell.textContent)).toEqual(["ci"]);

    fireEvent.click(screen.getByRole("button", { name: "Revoke ci" }));
    fireEvent.click(await screen.findByRole("button", { name: "Revoke token" }));
    await waitFor(() => expect(revoked).toEqual(["t0"]));
    await waitFor(() => expect(screen.queryByRole("rowheader", { name: "ci" })).toBeNull());
  });
});
