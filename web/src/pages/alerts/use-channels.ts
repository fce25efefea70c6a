import { useCallback, useState } from "react";
import type { Channel, ChannelSpec, TestChannelResponse } from "../../../../gen/pulsar/v1/alert_pb";
import { problemOf } from "../../api/errors";
import type { AlertsClient } from "./client";
import { type Collection, rethrowing, useCollection } from "./use-collection";

/** TestOutcome is how the last "Send test" of a channel went, or that it is on its way. */
export type TestOutcome =
  | { phase: "sending" }
  | { phase: "answered"; answer: TestChannelResponse }
  | { phase: "error"; message: string };

/** ChannelsData are the organization's channels and what the page does with them. */
export interface ChannelsData extends Omit<Collection<Channel>, "add" | "remove"> {
  /** create makes a channel; it rejects with the server's error for the form to show. */
  create: (spec: ChannelSpec) => Promise<void>;
  /** remove deletes a channel; it rejects with the server's error for the dialog to show. */
  remove: (id: string) => Promise<void>;
  /** test sends a test message through a channel; its outcome lands in `tests`. */
  test: (id: string) => Promise<void>;
  /** The outcome of the last test per channel id. */
  tests: Readonly<Record<string, TestOutcome>>;
}

/**
 * useChannels is the channels section's data: ListChannels once, then the list kept in step with
 * what the page creates and deletes, and the outcome of each channel's test message.
 */
export function useChannels(client: AlertsClient, onUnauthenticated: () => void): ChannelsData {
  const load = useCallback(
    async (signal: AbortSignal) => (await client.listChannels({}, { signal })).channels,
    [client],
  );
  const list = useCollection(load, onUnauthenticated);
  const [tests, setTests] = useState<Record<string, TestOutcome>>({});
  const fail = rethrowing(onUnauthenticated);
  const { add, remove: drop } = list;

  const create = async (spec: ChannelSpec) => {
    const { channel } = await client.createChannel({ channel: spec }).catch(fail);
    if (channel) add(channel);
  };
  const remove = async (id: string) => {
    await client.deleteChannel({ id }).catch(fail);
    drop(id);
  };
  const test = async (id: string) => {
    setTests((held) => ({ ...held, [id]: { phase: "sending" } }));
    let outcome: TestOutcome;
    try {
      outcome = { phase: "answered", answer: await client.testChannel({ id }).catch(fail) };
    } catch (error) {
      outcome = { phase: "error", message: problemOf(error).message };
    }
    setTests((held) => ({ ...held, [id]: outcome }));
  };

  return { items: list.items, problem: list.problem, create, remove, test, tests };
}
