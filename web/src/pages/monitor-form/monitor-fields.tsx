import { CheckboxField } from "../../components/checkbox-field";
import { Field } from "../../components/form";
import type { KindName } from "../../lib/monitor-kind";
import { DnsFields } from "./dns-fields";
import type { FieldsProps } from "./fields-props";
import { defaultConfirmations } from "./form-values";
import { HeartbeatFields } from "./heartbeat-fields";
import { HttpFields } from "./http-fields";
import { KindPicker } from "./kind-picker";
import { RegionFields } from "./region-fields";
import { TcpFields } from "./tcp-fields";

/** MonitorFieldsProps are the form's values and errors, where edits go, and the stored kind. */
export interface MonitorFieldsProps extends FieldsProps {
  /** The monitor's kind as stored, when editing one. */
  storedKind?: KindName;
}

/**
 * MonitorFields are the monitor form's labelled fields, each with its error beside it: the
 * name, what to check, that kind's own fields, how often and from which regions (every kind
 * but heartbeat, which is not checked but pinged) and badges.
 */
export function MonitorFields({ storedKind, ...props }: MonitorFieldsProps) {
  const { values, errors, onChange } = props;
  return (
    <div className="space-y-5">
      <Field
        label="Name"
        required
        maxLength={200}
        value={values.name}
        onChange={(e) => onChange("name", e.target.value)}
        error={errors.name}
      />
      <KindPicker
        kind={values.kind}
        stored={storedKind}
        onChange={(kind) => {
          onChange("kind", kind);
          // An untouched count follows the kind's default (a heartbeat's miss is already late).
          if (values.confirmations === defaultConfirmations(values.kind)) {
            onChange("confirmations", defaultConfirmations(kind));
          }
        }}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <KindFields {...props} />
        {values.kind !== "heartbeat" && (
          <>
            <Field
              label="Interval (seconds)"
              inputMode="numeric"
              hint="How often to check: 10 to 86400."
              value={values.interval}
              onChange={(e) => onChange("interval", e.target.value)}
              error={errors.interval}
            />
            <Field
              label="Timeout"
              inputMode="numeric"
              hint="Milliseconds: 100 to 60000, and not above the interval."
              value={values.timeout}
              onChange={(e) => onChange("timeout", e.target.value)}
              error={errors.timeout}
            />
            <RegionFields {...props} />
          </>
        )}
        <CheckboxField
          label="Public badges"
          className="sm:col-span-2"
          hint="Anyone with the link sees its status, uptime and response time badges."
          checked={values.publicBadges}
          onChange={(e) => onChange("publicBadges", e.target.checked)}
        />
      </div>
    </div>
  );
}

/** KindFields are the fields of the chosen kind. */
function KindFields(props: FieldsProps) {
  switch (props.values.kind) {
    case "tcp":
      return <TcpFields {...props} />;
    case "dns":
      return <DnsFields {...props} />;
    case "heartbeat":
      return <HeartbeatFields {...props} />;
    default:
      return <HttpFields {...props} />;
  }
}
