import type { Channel } from "../../../../gen/pulsar/v1/alert_pb";
import { Field } from "../../components/form";
import { Link } from "../../components/link";
import { Spinner } from "../../components/spinner";
import type { RequestState } from "../../lib/use-request";
import { ChannelCheckboxes } from "../alerts/channel-checkboxes";
import type { FieldErrors, MonitorFormValues } from "./form-values";

/** AlertFieldsProps are the form's values and errors, the channels to choose, and where edits go. */
export interface AlertFieldsProps {
  values: MonitorFormValues;
  errors: FieldErrors;
  channels: RequestState<Channel[]>;
  onChange: <K extends keyof MonitorFormValues>(field: K, value: MonitorFormValues[K]) => void;
}

/**
 * AlertFields are the monitor form's alerting part: how many failed (and successful) checks in a
 * row change its state, how often to remind while it is down, and which channels hear of it.
 */
export function AlertFields({ values, errors, channels, onChange }: AlertFieldsProps) {
  return (
    <fieldset className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <legend className="px-1 text-sm font-semibold">Alerts</legend>
      <div className="grid gap-5 sm:grid-cols-3">
        <Field
          label="Confirmations"
          inputMode="numeric"
          hint={
            values.kind === "heartbeat"
              ? "Missed or failed pings in a row before the monitor is down; default 1."
              : "Failed checks in a row before the monitor is down; default 2."
          }
          value={values.confirmations}
          onChange={(e) => onChange("confirmations", e.target.value)}
          error={errors.confirmations}
        />
        <Field
          label="Recovery confirmations"
          inputMode="numeric"
          hint={`Successful ${values.kind === "heartbeat" ? "pings" : "checks"} in a row before it is up again; default 1.`}
          value={values.recoveryConfirmations}
          onChange={(e) => onChange("recoveryConfirmations", e.target.value)}
          error={errors.recoveryConfirmations}
        />
        <Field
          label="Reminder every (minutes)"
          inputMode="numeric"
          hint="While down; 0 = never, else 5 to 1440."
          value={values.reminderMinutes}
          onChange={(e) => onChange("reminderMinutes", e.target.value)}
          error={errors.reminderMinutes}
        />
      </div>
      <div className="mt-5">
        <ChannelChoice values={values} errors={errors} channels={channels} onChange={onChange} />
      </div>
    </fieldset>
  );
}

/** ChannelChoice is the "Alert channels" checkboxes, or why there are none to show. */
function ChannelChoice({ values, errors, channels, onChange }: AlertFieldsProps) {
  if (channels.data && channels.data.length > 0) {
    return (
      <ChannelCheckboxes
        legend="Alert channels"
        channels={channels.data}
        selected={values.alertChannelIds}
        onChange={(ids) => onChange("alertChannelIds", ids)}
        hint="They hear when the monitor goes down and when it recovers."
        error={errors.alertChannelIds}
      />
    );
  }
  const link = (
    <Link href="/alerts" className="text-indigo-700 hover:underline dark:text-indigo-400">
      Alerts page
    </Link>
  );
  return (
    <div>
      <p className="text-sm font-medium">Alert channels</p>
      {channels.loading ? (
        <Spinner label="Loading alert channels…" />
      ) : channels.problem ? (
        <p className="text-sm text-red-700 dark:text-red-400">
          Could not load the alert channels: {channels.problem.message}
        </p>
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          No channels yet: add a Discord or webhook channel on the {link}, then choose it here.
        </p>
      )}
      {errors.alertChannelIds && (
        <p role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">
          {errors.alertChannelIds}
        </p>
      )}
    </div>
  );
}
