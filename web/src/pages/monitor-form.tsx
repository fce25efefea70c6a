import { useEffect, useRef } from "react";
import { alertClient, monitorClient } from "../api/clients";
import { useSession } from "../auth/session";
import { Button, FormError } from "../components/form";
import { Link } from "../components/link";
import { Spinner } from "../components/spinner";
import { navigate } from "../lib/router";
import { AlertFields } from "./monitor-form/alert-fields";
import { MonitorFields } from "./monitor-form/monitor-fields";
import { type ChannelLister, useChannelChoices } from "./monitor-form/use-channel-choices";
import { type MonitorFormDeps, useMonitorForm } from "./monitor-form/use-monitor-form";

/** MonitorFormPage is "/monitors/new" and "/monitors/:id/edit", wired to the app's client. */
export function MonitorFormPage({ id }: { id?: string }) {
  const { expired } = useSession();
  return (
    <MonitorForm
      id={id}
      client={monitorClient}
      channels={alertClient}
      onSaved={(monitor) => navigate(`/monitors/${encodeURIComponent(monitor.id)}`)}
      onUnauthenticated={expired}
    />
  );
}

/** MonitorFormProps are the form's dependencies, and where its alert channels come from. */
export interface MonitorFormProps extends MonitorFormDeps {
  channels: ChannelLister;
}

/**
 * MonitorForm adds a monitor, or edits one when given its id; the server's validation
 * message appears beside the field it names, and focus moves there.
 */
export function MonitorForm({ channels, ...deps }: MonitorFormProps) {
  const form = useMonitorForm(deps);
  const channelChoices = useChannelChoices(channels, deps.onUnauthenticated);
  const ref = useRef<HTMLFormElement>(null);
  const editing = deps.id !== undefined;
  const cancelHref = editing ? `/monitors/${encodeURIComponent(deps.id ?? "")}` : "/";

  useEffect(() => {
    if (form.rejected > 0)
      ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form.rejected]);

  return (
    <div className="max-w-2xl">
      <h1 className="mb-6 text-2xl font-semibold">{editing ? "Edit monitor" : "New monitor"}</h1>
      {form.load.phase === "loading" && <Spinner label="Loading the monitor…" />}
      {form.load.phase === "error" && (
        <div className="space-y-3">
          <FormError>{form.load.problem.message}</FormError>
          <Link href="/" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
            Back to monitors
          </Link>
        </div>
      )}
      {form.load.phase === "ready" && (
        <form ref={ref} onSubmit={form.submit} noValidate className="space-y-6">
          <MonitorFields
            storedKind={form.storedKind}
            values={form.values}
            errors={form.errors}
            onChange={form.change}
            onBlur={form.blur}
          />
          <AlertFields
            values={form.values}
            errors={form.errors}
            channels={channelChoices}
            onChange={form.change}
          />
          <FormError>{form.formError}</FormError>
          <div className="flex items-center gap-4">
            <Button type="submit" disabled={form.busy} aria-busy={form.busy || undefined}>
              {editing ? "Save changes" : "Add monitor"}
            </Button>
            <Link href={cancelHref} className="text-sm hover:underline">
              Cancel
            </Link>
          </div>
        </form>
      )}
    </div>
  );
}
