// Bridge from scripts/spec_diff.py to api-smart-diff (npm): reads {"pairs": [[before, after],
// ...]} as JSON on stdin and writes, per pair, the classified changes as a JSON array of
// arrays on stdout (one process for many comparisons: node's start-up is most of the cost).
import { apiCompare } from "api-smart-diff";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { pairs } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const scalar = (value) => (value === null || typeof value !== "object" ? value : undefined);
const results = pairs.map(([before, after]) =>
  apiCompare(before, after).diffs.map((d) => ({
    type: d.type,
    action: d.action,
    path: d.path.map(String),
    description: d.description ?? "",
    before: scalar(d.before),
    after: scalar(d.after),
  })),
);
process.stdout.write(JSON.stringify(results));
