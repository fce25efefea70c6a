import { create } from "@bufbuild/protobuf";
import {
  type Channel,
  type ChannelSpec,
  ChannelSpecSchema,
} from "../../../../gen/pulsar/v1/alert_pb";
import { fieldOfPath } from "./field-path";

/** ChannelType is a kind of channel as the form's Type select names it. */
export type ChannelType = "Discord" | "Webhook";

/** CHANNEL_TYPES are the Type select's choices. */
export const CHANNEL_TYPES: readonly ChannelType[] = ["Discord", "Webhook"];

/** ChannelFormValues are the channel form's fields as typed. */
export interface ChannelFormValues {
  name: string;
  type: ChannelType;
  discordUrl: string;
  webhookUrl: string;
  secret: string;
}

/** ChannelFormField is a channel form field that can have an error beside it. */
export type ChannelFormField = Exclude<keyof ChannelFormValues, "type">;

/** NEW_CHANNEL is the empty channel form. */
export const NEW_CHANNEL: ChannelFormValues = {
  name: "",
  type: "Discord",
  discordUrl: "",
  webhookUrl: "",
  secret: "",
};

/** channelSpecOf is the ChannelSpec the form describes: only the chosen type's fields go. */
export function channelSpecOf(values: ChannelFormValues): ChannelSpec {
  return create(ChannelSpecSchema, {
    name: values.name.trim(),
    kind:
      values.type === "Discord"
        ? { case: "discord", value: { webhookUrl: values.discordUrl.trim() } }
        : { case: "webhook", value: { url: values.webhookUrl.trim(), secret: values.secret } },
  });
}

const FIELD_OF_PATH = [
  ["channel.name", "name"],
  ["channel.discord", "discordUrl"],
  ["channel.webhook", "webhookUrl"],
  ["channel.webhook.url", "webhookUrl"],
  ["channel.webhook.secret", "secret"],
] as const;

/** channelFieldOf is the channel form field a server error names ("channel.discord.webhookUrl"). */
export function channelFieldOf(path: string | undefined): ChannelFormField | undefined {
  return fieldOfPath(path, FIELD_OF_PATH);
}

/** channelTarget is where a stored channel posts: its URL as the server masks it, and its kind. */
export function channelTarget(channel: Channel): { kind: string; url: string } {
  switch (channel.kind.case) {
    case "discord":
      return { kind: "Discord", url: channel.kind.value.webhookUrl };
    case "webhook":
      return { kind: "Webhook", url: channel.kind.value.url };
    default:
      return { kind: "Unknown", url: "" };
  }
}
