// @vitest-environment happy-dom
import { Code, ConnectError } from "@connectrpc/connect";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useFormSubmit } from "./use-form-submit";

afterEach(cleanup);

/** A form with one field, "name", whose action the test settles by hand. */
function NameForm({ action }: { action: () => Promise<void> }) {
  const { onSubmit, busy, fieldError, formError } = useFormSubmit(action);
  return (
    <form onSubmit={onSubmit} aria-label="form">
      <p data-testid="field">{fieldError("name") ?? ""}</p>
      <p data-testid="form">{formError("name") ?? ""}</p>
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : "Save"}
      </button>
    </form>
  );
}

/** An action whose every call waits until the test settles it. */
function heldAction() {
  let settle: (error?: Error) => void = () => {};
  let calls = 0;
  const action = () => {
    calls++;
    return new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
  };
  return { action, settle: (error?: Error) => settle(error), calls: () => calls };
}

const submit = () => fireEvent.submit(screen.getByRole("form"));

describe("useFormSubmit", () => {
  it("is busy while the action runs and shows a field's problem beside it, not below", async () => {
    const held = heldAction();
    render(<NameForm action={held.action} />);
    submit();
    expect(screen.getByRole("button").textContent).toBe("Saving…");
    expect(screen.getByRole("button").hasAttribute("disabled")).toBe(true);
    await act(async () =>
      held.settle(new ConnectError("name must not be empty", Code.InvalidArgument)),
    );
    expect(held.calls()).toBe(1);
    expect(screen.getByRole("button").textContent).toBe("Save");
    expect(screen.getByTestId("field").textContent).toBe("name must not be empty");
    expect(screen.getByTestId("form").textContent).toBe("");
  });

  it("shows a problem about no shown field below the form, and clears it on the next submit", async () => {
    const held = heldAction();
    render(<NameForm action={held.action} />);
    submit();
    await act(async () =>
      held.settle(new ConnectError("monitors: quota of 50 reached", Code.ResourceExhausted)),
    );
    expect(screen.getByTestId("form").textContent).toBe("monitors: quota of 50 reached");
    expect(screen.getByTestId("field").textContent).toBe("");
    submit();
    expect(screen.getByTestId("form").textContent).toBe("");
    await act(async () => held.settle());
    expect(held.calls()).toBe(2);
    expect(screen.getByTestId("form").textContent).toBe("");
  });
});
