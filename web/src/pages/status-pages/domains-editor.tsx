import { useId } from "react";
import { Button } from "../../components/form";

/** MAX_DOMAINS is the server's limit of domains per page. */
const MAX_DOMAINS = 5;

/**
 * DomainsEditor edits the host names the page is also served at: one input per name, remove,
 * and add (up to MAX_DOMAINS). The server's error about them shows below the list.
 */
export function DomainsEditor({
  domains,
  onChange,
  error,
}: {
  domains: string[];
  onChange: (domains: string[]) => void;
  error?: string;
}) {
  const id = useId();
  const described = [`${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <fieldset aria-describedby={described} className="space-y-2">
      <legend className="text-sm font-medium">Custom domains</legend>
      <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
        Host names that serve this page at their root, e.g. status.example.com; point their DNS at
        Pulsar (README: “A status page on your own domain”).
      </p>
      {domains.map((domain, index) => (
        // Domains are edited in place; the index is the row's identity while it is edited.
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no other identity while typed
        <div key={index} className="flex gap-2">
          <input
            aria-label={`Domain ${index + 1}`}
            aria-invalid={error ? true : undefined}
            inputMode="url"
            autoComplete="off"
            placeholder="status.example.com"
            value={domain}
            onChange={(e) => onChange(domains.map((d, i) => (i === index ? e.target.value : d)))}
            className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
          />
          <Button
            kind="secondary"
            aria-label={`Remove domain ${domain || index + 1}`}
            onClick={() => onChange(domains.filter((_, i) => i !== index))}
          >
            Remove
          </Button>
        </div>
      ))}
      {domains.length < MAX_DOMAINS && (
        <Button kind="secondary" onClick={() => onChange([...domains, ""])}>
          Add domain
        </Button>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}
