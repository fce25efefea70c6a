import { Field } from "../../components/form";
import { SelectField } from "../../components/select-field";
import type { FieldsProps } from "./fields-props";
import { RULE_CHOICES, type RuleName, regionNamesOf } from "./regions";

/**
 * RegionFields are where a checked monitor is checked from: its regions (each served by the
 * workers started with that REGION) and, when there are several, the rule their results are
 * decided by.
 */
export function RegionFields({ values, errors, onChange, onBlur }: FieldsProps) {
  const several = regionNamesOf(values.regions).length > 1;
  return (
    <>
      <Field
        label="Regions"
        spellCheck={false}
        autoComplete="off"
        placeholder="eu-west, us-east"
        hint="Names separated by commas or spaces, up to 10; each region's workers check on the interval. Empty: the installation's default region."
        value={values.regions}
        onChange={(e) => onChange("regions", e.target.value)}
        onBlur={() => onBlur("regions")}
        error={errors.regions}
      />
      {several && (
        <SelectField
          label="Decided by"
          hint="Only regions with a result within two intervals vote."
          options={RULE_CHOICES}
          value={values.regionRule}
          onChange={(e) => onChange("regionRule", e.target.value as RuleName)}
          error={errors.regionRule}
        />
      )}
    </>
  );
}
