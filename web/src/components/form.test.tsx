// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Field } from "./form";

afterEach(cleanup);

describe("Field", () => {
  it("labels its input and ties the server's error to it for assistive technology", () => {
    render(
      <Field
        label="Interval (seconds)"
        error="monitor.intervalSeconds must be between 10 and 86400"
      />,
    );
    const input = screen.getByLabelText("Interval (seconds)");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const error = screen.getByRole("alert");
    expect(error.textContent).toBe("monitor.intervalSeconds must be between 10 and 86400");
    expect(input.getAttribute("aria-describedby")).toContain(error.id);
  });

  it("is not marked invalid without an error", () => {
    render(<Field label="Name" />);
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
