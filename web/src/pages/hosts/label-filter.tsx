import { useState } from "react";
import type { ApiProblem } from "../../api/errors";
import { Button, FieldFrame } from "../../components/form";

/** LabelFilterProps are the selector in force, what applying one does, and the server's say. */
export interface LabelFilterProps {
  selector: string;
  onApply: (selector: string) => void;
  /** Why the server refused the selector ("labelSelector: unknown operator"), shown beside it. */
  problem: ApiProblem | undefined;
}

/**
 * LabelFilter narrows the host list by a label selector ("env=prod,role!=db"), applied on Enter
 * or with the button; the server checks the syntax and its words show under the input.
 */
export function LabelFilter({ selector, onApply, problem }: LabelFilterProps) {
  const [text, setText] = useState(selector);
  return (
    <form
      aria-label="Filter hosts by label"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(text.trim());
      }}
      className="mb-3"
    >
      <FieldFrame label="Labels" hint="e.g. env=prod,role!=db" error={problem?.message}>
        {(control) => (
          <div className="flex gap-2">
            <input
              {...control}
              type="search"
              maxLength={1000}
              spellCheck={false}
              placeholder="env=prod"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <Button type="submit" kind="secondary" className="mt-1 shrink-0">
              Filter
            </Button>
          </div>
        )}
      </FieldFrame>
    </form>
  );
}
