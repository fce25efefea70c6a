import type { Channel } from "../../../../gen/pulsar/v1/alert_pb";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import { ChannelForm } from "./channel-form";
import { ChannelList } from "./channel-list";
import { PageSection } from "./page-section";
import type { ChannelsData } from "./use-channels";
import { useDeletion } from "./use-deletion";

/**
 * ChannelsSection is where alerts go: the channels with their test button, the form to add one,
 * and a confirmation before one is deleted.
 */
export function ChannelsSection({ channels }: { channels: ChannelsData }) {
  const deletion = useDeletion<Channel>(channels.remove);
  return (
    <PageSection
      id="channels"
      title="Channels"
      intro="Where alerts go: a Discord channel's webhook, or any URL that takes a signed JSON POST."
    >
      {channels.items ? (
        channels.items.length > 0 ? (
          <ChannelList
            channels={channels.items}
            tests={channels.tests}
            onTest={(channel) => void channels.test(channel.id)}
            onDelete={deletion.ask}
          />
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            No channels yet. Add one below, then choose it on a monitor or a rule.
          </p>
        )
      ) : channels.problem ? (
        <FormError>Could not load the channels: {channels.problem.message}</FormError>
      ) : (
        <Spinner label="Loading channels…" />
      )}
      <ChannelForm onCreate={channels.create} />
      <ConfirmDialog
        open={deletion.target !== undefined}
        title={`Delete “${deletion.target?.name ?? ""}”?`}
        confirmLabel="Delete channel"
        onConfirm={() => void deletion.confirm()}
        onCancel={deletion.cancel}
        busy={deletion.busy}
        error={deletion.error}
      >
        Monitors and rules that use it stop alerting through it. Its past alerts stay in the
        history.
      </ConfirmDialog>
    </PageSection>
  );
}
