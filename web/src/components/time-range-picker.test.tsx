// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { TimeRangePicker } from "./time-range-picker";

afterEach(cleanup);

const OPTIONS = [
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
] as const;

describe("TimeRangePicker", () => {
  it("marks the chosen range pressed and reports another choice", () => {
    const chosen: string[] = [];
    render(
      <TimeRangePicker
        label="Time range"
        options={OPTIONS}
        value="24h"
        onChange={(value) => chosen.push(value)}
      />,
    );
    // The buttons are grouped under the label, so a screen reader names the choice.
    const group = screen.getByRole("group", { name: "Time range" });
    const pressed = within(group)
      .getAllByRole("button")
      .map((b) => `${b.textContent}:${b.getAttribute("aria-pressed")}`);
    expect(pressed).toEqual(["1 h:false", "24 h:true", "7 d:false"]);
    fireEvent.click(screen.getByRole("button", { name: "7 d" }));
    expect(chosen).toEqual(["7d"]);
  });
});
