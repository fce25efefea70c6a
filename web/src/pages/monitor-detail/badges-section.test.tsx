// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { badgeSnippets } from "./badge-snippets";
import { BadgesSection } from "./badges-section";

afterEach(cleanup);

const PUBLIC_ID = "0123456789abcdef0123456789abcdef";
const ORIGIN = "https://pulsar.example";

describe("badgeSnippets", () => {
  it("gives every badge an absolute URL at the origin, in Markdown and HTML", () => {
    const snippets = badgeSnippets(ORIGIN, PUBLIC_ID);
    expect(snippets.map((s) => s.kind)).toEqual([
      "status",
      "uptime-24h",
      "uptime-7d",
      "uptime-30d",
      "response-time",
    ]);
    expect(snippets[1]).toEqual({
      kind: "uptime-24h",
      title: "uptime 24h",
      url: `${ORIGIN}/badge/${PUBLIC_ID}/uptime-24h.svg`,
      markdown: `![uptime 24h](${ORIGIN}/badge/${PUBLIC_ID}/uptime-24h.svg)`,
      html: `<img src="${ORIGIN}/badge/${PUBLIC_ID}/uptime-24h.svg" alt="uptime 24h">`,
    });
  });
});

describe("BadgesSection", () => {
  it("shows each badge and copies the chosen one's Markdown and HTML", async () => {
    const copied: string[] = [];
    render(
      <BadgesSection
        publicId={PUBLIC_ID}
        origin={ORIGIN}
        copy={async (text) => {
          copied.push(text);
        }}
      />,
    );
    const images = screen.getAllByRole("img") as HTMLImageElement[];
    expect(images.map((img) => img.getAttribute("src"))).toEqual(
      badgeSnippets(ORIGIN, PUBLIC_ID).map((s) => s.url),
    );
    const markdown = screen.getByLabelText("Markdown (status)") as HTMLInputElement;
    expect(markdown.value).toBe(`![status](${ORIGIN}/badge/${PUBLIC_ID}/status.svg)`);

    fireEvent.click(screen.getByRole("radio", { name: "response time" }));
    const html = screen.getByLabelText("HTML (response time)") as HTMLInputElement;
    expect(html.value).toBe(
      `<img src="${ORIGIN}/badge/${PUBLIC_ID}/response-time.svg" alt="response time">`,
    );
    fireEvent.click(screen.getByRole("button", { name: "Copy HTML (response time)" }));
    await waitFor(() => expect(copied).toEqual([html.value]));
    expect(await screen.findByText("Copied to the clipboard.")).toBeTruthy();
  });

  it("leaves the snippet selected for Ctrl+C when the clipboard is out of reach", async () => {
    render(
      <BadgesSection
        publicId={PUBLIC_ID}
        origin={ORIGIN}
        copy={() => Promise.reject(new Error("denied"))}
      />,
    );
    const markdown = screen.getByLabelText("Markdown (status)") as HTMLInputElement;
    fireEvent.click(screen.getByRole("button", { name: "Copy Markdown (status)" }));
    expect(await screen.findByText(/Could not reach the clipboard/)).toBeTruthy();
    expect(document.activeElement).toBe(markdown);
    expect(markdown.selectionStart).toBe(0);
    expect(markdown.selectionEnd).toBe(markdown.value.length);
  });
});
