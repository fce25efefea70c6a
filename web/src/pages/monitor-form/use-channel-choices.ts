import type { Client } from "@connectrpc/connect";
import type { AlertService, Channel } from "../../../../gen/pulsar/v1/alert_pb";
import { type RequestState, useRequest } from "../../lib/use-request";

/** ChannelLister is the part of AlertService the monitor form needs: the channels to choose. */
export type ChannelLister = Pick<Client<typeof AlertService>, "listChannels">;

/** useChannelChoices lists the organization's alert channels for the form's checkboxes. */
export function useChannelChoices(
  client: ChannelLister,
  onUnauthenticated: () => void,
): RequestState<Channel[]> {
  return useRequest(
    "alert-channels",
    async (signal) => (await client.listChannels({}, { signal })).channels,
    { onUnauthenticated },
  );
}
