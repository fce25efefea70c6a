import { type FormEvent, useState } from "react";
import { type ApiProblem, problemOf } from "../api/errors";

/** FormSubmit is a form's submit handler with what it shows while and after it runs. */
export interface FormSubmit {
  /** The form's onSubmit: runs the action once, without the browser's own submit. */
  onSubmit: (event: FormEvent<HTMLFormElement>) => Promise<void>;
  /** True while the action runs: the submit button says so and is disabled. */
  busy: boolean;
  /** The server's problem with the last submit, if it failed. */
  problem: ApiProblem | undefined;
  /** The problem's message when it names `field`: shown beside that field's control. */
  fieldError: (field: string) => string | undefined;
  /**
   * The problem's message unless it names one of `shownFields` (those are beside their
   * controls): shown below the form, so that no problem goes unseen.
   */
  formError: (...shownFields: string[]) => string | undefined;
}

/**
 * useFormSubmit is what every form of the dashboard does on submit: run `action`, busy while it
 * runs, and keep the server's problem (problemOf) when it fails; a new submit clears it.
 */
export function useFormSubmit(action: () => Promise<void>): FormSubmit {
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);
  return {
    busy,
    problem,
    async onSubmit(event) {
      event.preventDefault();
      setBusy(true);
      setProblem(undefined);
      try {
        await action();
      } catch (error) {
        setProblem(problemOf(error));
      } finally {
        setBusy(false);
      }
    },
    fieldError: (field) => (problem?.field === field ? problem.message : undefined),
    formError: (...shownFields) =>
      problem && !shownFields.includes(problem.field ?? "") ? problem.message : undefined,
  };
}
