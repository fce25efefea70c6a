import { useCallback } from "react";
import type { HostRule, HostRuleSpec } from "../../../../gen/pulsar/v1/alert_pb";
import type { AlertsClient } from "./client";
import { type Collection, rethrowing, useCollection } from "./use-collection";

/** RulesData are the organization's host rules and what the page does with them. */
export interface RulesData extends Omit<Collection<HostRule>, "add" | "remove"> {
  /** create makes a rule; it rejects with the server's error for the form to show. */
  create: (spec: HostRuleSpec) => Promise<void>;
  /** remove deletes a rule; it rejects with the server's error for the dialog to show. */
  remove: (id: string) => Promise<void>;
}

/** useRules is the rules section's data: ListRules once, then kept in step with the page. */
export function useRules(client: AlertsClient, onUnauthenticated: () => void): RulesData {
  const load = useCallback(
    async (signal: AbortSignal) => (await client.listRules({}, { signal })).rules,
    [client],
  );
  const list = useCollection(load, onUnauthenticated);
  const fail = rethrowing(onUnauthenticated);
  const { add, remove: drop } = list;

  const create = async (spec: HostRuleSpec) => {
    const { rule } = await client.createRule({ rule: spec }).catch(fail);
    if (rule) add(rule);
  };
  const remove = async (id: string) => {
    await client.deleteRule({ id }).catch(fail);
    drop(id);
  };

  return { items: list.items, problem: list.problem, create, remove };
}
