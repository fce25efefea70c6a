// The attacking side of bench/hostile, in a process of its own so that its work does not
// delay the /healthz probes the bench measures: `concurrency` loops POST the body in
// `bodyFile` to `url` until `seconds` have passed, then print every answer as JSON on stdout (after a first line,
// "started", once the attack begins).
//
//   node --import tsx bench/hostile/attacker.ts <url> <bodyFile> <seconds> <concurrency> \
//     [chunked|declared] [bearer token]
import { readFileSync } from "node:fs";
import { type Answer, postOnce } from "./attack.js";

const [url = "", bodyFile = "", seconds = "5", concurrency = "20", framing = "", token = ""] =
  process.argv.slice(2);
const headers: Record<string, string> = {
  "content-type": "application/json",
  "content-encoding": "gzip",
  ...(token && { authorization: `Bearer ${token}` }),
};
const body = readFileSync(bodyFile);
// The bench measures from this line on.
process.stdout.write("started\n");
const deadline = performance.now() + Number(seconds) * 1000;
const answers: Answer[] = [];
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (performance.now() < deadline) {
      answers.push(await postOnce(url, body, headers, 30_000, framing === "chunked"));
    }
  }),
);
process.stdout.write(JSON.stringify(answers));
