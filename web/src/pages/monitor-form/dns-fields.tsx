import { Field } from "../../components/form";
import { RadioGroup } from "../../components/radio-group";
import { SelectField } from "../../components/select-field";
import type { FieldsProps } from "./fields-props";
import { type DnsExpectation, RECORD_TYPES } from "./form-values";

const EXPECTATIONS: readonly { value: DnsExpectation; label: string }[] = [
  { value: "any", label: "Any answer" },
  { value: "contains", label: "A record containing" },
  { value: "exact", label: "Exactly these records" },
  { value: "nxdomain", label: "No such name (NXDOMAIN)" },
];

/** How each record type's data is written, as dig writes it: what an expectation matches. */
const RECORD_EXAMPLES: Record<string, string> = {
  A: "192.0.2.10",
  AAAA: "2001:db8::10",
  CNAME: "target.example.com",
  MX: "10 mail.example.com",
  TXT: "v=spf1 include:_spf.example.com ~all",
  NS: "ns1.example.com",
  SOA: "ns1.example.com",
  CAA: '0 issue "letsencrypt.org"',
  SRV: "10 5 443 host.example.com",
};

/**
 * DnsFields are a DNS monitor's: the name and record type to query, the server to ask, and
 * what the answer must be.
 */
export function DnsFields({ values, errors, onChange }: FieldsProps) {
  const example = RECORD_EXAMPLES[values.dnsRecordType] ?? "";
  const wanted = values.dnsExpectation === "contains" || values.dnsExpectation === "exact";
  // A type set through the API that the list lacks stays selectable, so saving keeps it.
  const types = (RECORD_TYPES as readonly string[]).includes(values.dnsRecordType)
    ? RECORD_TYPES
    : [...RECORD_TYPES, values.dnsRecordType];
  return (
    <>
      <Field
        label="Domain name"
        required
        maxLength={253}
        spellCheck={false}
        autoComplete="off"
        placeholder="example.com"
        hint="The name to query."
        value={values.dnsName}
        onChange={(e) => onChange("dnsName", e.target.value)}
        error={errors.dnsName}
      />
      <SelectField
        label="Record type"
        options={types}
        value={values.dnsRecordType}
        onChange={(e) => onChange("dnsRecordType", e.target.value)}
        error={errors.dnsRecordType}
      />
      <Field
        label="Server"
        className="sm:col-span-2"
        spellCheck={false}
        autoComplete="off"
        placeholder="1.1.1.1"
        hint="Optional: an IP address or host name, with a port if not 53 (ns1.example.com:5353, [2606:4700::1111]:53). Empty: the workers' resolvers."
        value={values.dnsServer}
        onChange={(e) => onChange("dnsServer", e.target.value)}
        error={errors.dnsServer}
      />
      <RadioGroup
        legend="Up when the answer has"
        className="sm:col-span-2"
        options={EXPECTATIONS}
        value={values.dnsExpectation}
        onChange={(value) => onChange("dnsExpectation", value)}
      />
      {wanted && (
        <Field
          label={values.dnsExpectation === "exact" ? "Expected records" : "Expected text"}
          className="sm:col-span-2"
          required
          maxLength={1000}
          spellCheck={false}
          autoComplete="off"
          placeholder={example}
          hint={
            values.dnsExpectation === "exact"
              ? `Every record of the answer, comma-separated, in any order and case; written as dig writes them, e.g. ${example}.`
              : `Some record must contain this (any case); records are written as dig writes them, e.g. ${example}.`
          }
          value={values.dnsExpect}
          onChange={(e) => onChange("dnsExpect", e.target.value)}
          error={errors.dnsExpect}
        />
      )}
    </>
  );
}
