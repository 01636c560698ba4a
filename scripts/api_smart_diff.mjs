// Bridge from scripts/spec_diff.py to api-smart-diff (npm): reads {"before": doc, "after": doc}
// as JSON on stdin, writes the classified changes as a JSON array on stdout.
import { apiCompare } from "api-smart-diff";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { before, after } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const scalar = (value) => (value === null || typeof value !== "object" ? value : undefined);
const { diffs } = apiCompare(before, after);
const changes = diffs.map((d) => ({
  type: d.type,
  action: d.action,
  path: d.path.map(String),
  description: d.description ?? "",
  before: scalar(d.before),
  after: scalar(d.after),
}));
process.stdout.write(JSON.stringify(changes));
