import { useState } from "react";
import type { BadgeKind } from "../../../../shared/badge-kinds";
import { badgeSnippets } from "./badge-snippets";
import { CopyField } from "./copy-field";
import { Section } from "./section";

/** BadgesSectionProps are the monitor's public id, where badges are served, and the clipboard. */
export interface BadgesSectionProps {
  publicId: string;
  /** The dashboard's origin (window.location.origin): the API serves the badges there too. */
  origin: string;
  copy?: (text: string) => Promise<void>;
}

/**
 * BadgesSection shows a monitor's public badges, and the Markdown and HTML to embed the one
 * chosen, each with a Copy button. Shown only for monitors with public badges on.
 */
export function BadgesSection({ publicId, origin, copy }: BadgesSectionProps) {
  const snippets = badgeSnippets(origin, publicId);
  const [kind, setKind] = useState<BadgeKind>("status");
  const chosen = snippets.find((s) => s.kind === kind) ?? snippets[0];
  return (
    <Section title="Badges">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Anyone with these links sees the badges; they refresh every minute.
      </p>
      <fieldset className="mb-4">
        <legend className="mb-2 text-sm font-medium">Badge to embed</legend>
        <div className="flex flex-wrap gap-4">
          {snippets.map((s) => (
            <label key={s.kind} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name={`badge-${publicId}`}
                value={s.kind}
                checked={s.kind === kind}
                onChange={() => setKind(s.kind)}
              />
              <img src={s.url} alt={s.title} height={20} />
            </label>
          ))}
        </div>
      </fieldset>
      {chosen && (
        <div className="space-y-3">
          <CopyField label={`Markdown (${chosen.title})`} value={chosen.markdown} copy={copy} />
          <CopyField label={`HTML (${chosen.title})`} value={chosen.html} copy={copy} />
        </div>
      )}
    </Section>
  );
}
