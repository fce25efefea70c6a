// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  AuthService,
  type Invitation,
  InvitationSchema,
  Role,
  type User,
  UserSchema,
} from "../../../../gen/pulsar/v1/auth_pb";
import { MembersView } from "./members-view";

afterEach(cleanup);

const DAY = 86_400_000;
const QUOTA_MESSAGE =
  "this organization has reached its limit of 3 members and pending invitations (PULSAR_ORG_MAX_MEMBERS); remove members or revoke invitations first";

const ada = create(UserSchema, {
  id: "u1",
  email: "ada@example.com",
  name: "Ada",
  role: Role.ADMIN,
  createdAt: timestampFromMs(Date.now() - 30 * DAY),
});
const bob = create(UserSchema, {
  id: "u2",
  email: "bob@example.com",
  name: "Bob",
  role: Role.MEMBER,
  createdAt: timestampFromMs(Date.now() - DAY),
});
const carol = create(InvitationSchema, {
  id: "i1",
  email: "carol@example.com",
  role: Role.MEMBER,
  expiresAt: timestampFromMs(Date.now() + 6 * DAY),
});

/** An in-memory AuthService holding members and invitations, up to 3 of them together. */
function setup(who: { id: string; isAdmin: boolean }) {
  let members: User[] = [ada, bob];
  let invitations: Invitation[] = [carol];
  const calls: string[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(AuthService, {
      listMembers: () => ({ members }),
      listInvitations: () => {
        if (!who.isAdmin)
          throw new ConnectError("only admins may see invitations", Code.PermissionDenied);
        return { invitations };
      },
      createInvitation: (req) => {
        calls.push(`invite ${req.email} ${Role[req.role]}`);
        if (!req.email.includes("@")) {
          throw new ConnectError("email must be an email address", Code.InvalidArgument);
        }
        if (members.length + invitations.length >= 3) {
          throw new ConnectError(QUOTA_MESSAGE, Code.ResourceExhausted);
        }
        const invitation = create(InvitationSchema, {
          id: `i${invitations.length + 2}`,
          email: req.email,
          role: req.role,
          expiresAt: timestampFromMs(Date.now() + 7 * DAY),
        });
        invitations = [invitation, ...invitations];
        return { invitation, invitationToken: "pulsar_invite_SECRETSECRET" };
      },
      revokeInvitation: (req) => {
        calls.push(`revoke ${req.id}`);
        invitations = invitations.filter((i) => i.id !== req.id);
        return {};
      },
      removeMember: (req) => {
        calls.push(`remove ${req.userId}`);
        members = members.filter((m) => m.id !== req.userId);
        return {};
      },
    });
  });
  render(
    <MembersView
      client={createClient(AuthService, transport)}
      currentUserId={who.id}
      isAdmin={who.isAdmin}
      onUnauthenticated={() => {}}
      copy={async () => {}}
    />,
  );
  return { calls };
}

/** cellTexts are the text of a member's row up to the role: name, email, role. */
const cellTexts = (row: HTMLElement) =>
  [...(row as HTMLTableRowElement).cells].slice(0, 3).map((cell) => cell.textContent);

describe("MembersView", () => {
  it("lists members with their role for everyone, and nothing an admin does for a member", async () => {
    setup({ id: "u2", isAdmin: false });
    const row = (await screen.findByRole("rowheader", { name: /Bob/ })).closest(
      "tr",
    ) as HTMLElement;
    expect(cellTexts(row)).toEqual(["Bob(you)", "bob@example.com", "Member"]);
    const adaRow = screen.getByRole("rowheader", { name: "Ada" }).closest("tr") as HTMLElement;
    expect(cellTexts(adaRow)).toEqual(["Ada", "ada@example.com", "Admin"]);
    expect(screen.queryByRole("button", { name: /Remove/ })).toBeNull();
    expect(screen.queryByRole("form", { name: "Invite someone" })).toBeNull();
    expect(screen.queryByText("Pending invitations")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("lets an admin remove another member after confirming, never themselves", async () => {
    const { calls } = setup({ id: "u1", isAdmin: true });
    await screen.findByRole("rowheader", { name: "Bob" });
    expect(screen.queryByRole("button", { name: "Remove Ada" })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Remove Bob" }));
    const dialog = (await screen.findByRole("dialog", {
      name: "Remove Bob?",
    })) as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(calls).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Remove Bob" }));
    fireEvent.click(await screen.findByRole("button", { name: "Remove member" }));
    await waitFor(() => expect(calls).toEqual(["remove u2"]));
    await waitFor(() => expect(screen.queryByRole("rowheader", { name: "Bob" })).toBeNull());
  });

  it("lets an admin revoke a pending invitation after confirming", async () => {
    const { calls } = setup({ id: "u1", isAdmin: true });
    fireEvent.click(
      await screen.findByRole("button", { name: "Revoke the invitation of carol@example.com" }),
    );
    fireEvent.click(await screen.findByRole("button", { name: "Revoke invitation" }));
    await waitFor(() => expect(calls).toEqual(["revoke i1"]));
    await screen.findByText("No pending invitations.");
    expect(screen.queryByRole("rowheader", { name: "carol@example.com" })).toBeNull();
  });

  it("shows a new invitation's token once, and the quota's refusal below the form", async () => {
    const { calls } = setup({ id: "u1", isAdmin: true });
    await screen.findByRole("rowheader", { name: "carol@example.com" });

    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    const fieldError = await screen.findByText("email must be an email address");
    expect(screen.getByLabelText("Email").getAttribute("aria-describedby")).toContain(
      fieldError.id,
    );

    // Revoke Carol's invitation to make room, then invite Dan as an admin.
    fireEvent.click(
      screen.getByRole("button", { name: "Revoke the invitation of carol@example.com" }),
    );
    fireEvent.click(await screen.findByRole("button", { name: "Revoke invitation" }));
    await screen.findByText("No pending invitations.");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "dan@example.com" } });
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "Admin" } });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    const token = (await screen.findByLabelText("Invitation link")) as HTMLInputElement;
    expect(token.value).toBe(
      `${window.location.origin}/sign-up?invitation=pulsar_invite_SECRETSECRET`,
    );
    expect(token.readOnly).toBe(true);
    const row = screen
      .getByRole("rowheader", { name: "dan@example.com" })
      .closest("tr") as HTMLElement;
    expect(cellTexts(row).slice(0, 2)).toEqual(["dan@example.com", "Admin"]);
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(document.body.textContent).not.toContain("SECRETSECRET");

    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "erin@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(QUOTA_MESSAGE);
    expect(screen.queryByLabelText("Invitation link")).toBeNull();
    expect(calls).toEqual([
      "invite nope MEMBER",
      "revoke i1",
      "invite dan@example.com ADMIN",
      "invite erin@example.com ADMIN",
    ]);
  });
});
