import { CheckboxField } from "../../components/checkbox-field";
import { Field } from "../../components/form";
import type { FieldsProps } from "./fields-props";
import { TlsExpiryFields } from "./tls-expiry-fields";

const ESCAPES = "Escapes \\r \\n \\t \\\\ are read as in C";

/**
 * TcpFields are a TCP monitor's: host and port, TLS (then its errors and certificate expiry
 * alerts), and optionally what to send and what the answer must contain.
 */
export function TcpFields(props: FieldsProps) {
  const { values, errors, onChange } = props;
  return (
    <>
      <Field
        label="Host"
        required
        maxLength={255}
        spellCheck={false}
        autoComplete="off"
        placeholder="db.example.com or 192.0.2.10"
        value={values.tcpHost}
        onChange={(e) => onChange("tcpHost", e.target.value)}
        error={errors.tcpHost}
      />
      <Field
        label="Port"
        required
        inputMode="numeric"
        placeholder="5432"
        hint="1 to 65535."
        value={values.tcpPort}
        onChange={(e) => onChange("tcpPort", e.target.value)}
        error={errors.tcpPort}
      />
      <CheckboxField
        label="TLS"
        className="sm:col-span-2"
        hint="Wrap the connection in TLS and check its certificate, as for HTTPS."
        checked={values.tcpTls}
        onChange={(e) => onChange("tcpTls", e.target.checked)}
      />
      {values.tcpTls && (
        <>
          <CheckboxField
            label="Ignore TLS errors"
            className="sm:col-span-2"
            hint="Accept expired or self-signed certificates."
            checked={values.ignoreTlsErrors}
            onChange={(e) => onChange("ignoreTlsErrors", e.target.checked)}
          />
          <TlsExpiryFields {...props} />
        </>
      )}
      <Field
        label="Send"
        className="font-mono sm:col-span-2"
        maxLength={4096}
        spellCheck={false}
        autoComplete="off"
        placeholder="PING\r\n"
        hint={`Optional: written once connected. ${ESCAPES}: Redis, SMTP and memcached want \\r\\n at the end of a line.`}
        value={values.tcpSend}
        onChange={(e) => onChange("tcpSend", e.target.value)}
        error={errors.tcpSend}
      />
      <Field
        label="Expect"
        className="font-mono sm:col-span-2"
        maxLength={1000}
        spellCheck={false}
        autoComplete="off"
        placeholder="+PONG"
        hint={`Optional: the answer must contain this, e.g. SSH-2.0, 220 or +PONG. ${ESCAPES}.`}
        value={values.tcpExpect}
        onChange={(e) => onChange("tcpExpect", e.target.value)}
        error={errors.tcpExpect}
      />
    </>
  );
}
