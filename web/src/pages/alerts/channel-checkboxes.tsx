import { useId } from "react";
import type { Channel } from "../../../../gen/pulsar/v1/alert_pb";
import { CheckboxField } from "../../components/checkbox-field";

/** ChannelCheckboxesProps are the channels to choose from, the chosen ids, and an error. */
export interface ChannelCheckboxesProps {
  legend: string;
  channels: readonly Channel[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  hint?: string;
  error?: string;
}

/**
 * ChannelCheckboxes is a fieldset of one checkbox per channel, under a legend, with the error
 * about the choice beside it. The first box carries aria-invalid, so a rejected form can move
 * focus to it.
 */
export function ChannelCheckboxes({
  legend,
  channels,
  selected,
  onChange,
  hint,
  error,
}: ChannelCheckboxesProps) {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  const toggle = (channelId: string, on: boolean) =>
    onChange(
      on
        ? [...selected.filter((c) => c !== channelId), channelId]
        : selected.filter((c) => c !== channelId),
    );
  return (
    <fieldset aria-describedby={described || undefined}>
      <legend className="text-sm font-medium">{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
        {channels.map((channel, i) => (
          <CheckboxField
            key={channel.id}
            label={channel.name}
            checked={selected.includes(channel.id)}
            onChange={(e) => toggle(channel.id, e.target.checked)}
            aria-invalid={error && i === 0 ? true : undefined}
          />
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}
