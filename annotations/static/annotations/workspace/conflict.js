// The side-by-side shown when a save is refused with 412: the user's values next to the
// server's current ones, row by row. The choice (reload theirs, overwrite) is in save.js.

import { claimTypes, el, formatDate, isWhole, quoteOf, sentenceInfo, statuses, ui } from "./page.js";
import { state } from "./store.js";
import { setStatus, valuesOf } from "./form.js";

const ROWS = [
  ["span", "Span"],
  ["claim_type", "Claim type"],
  ["verification_status", "Verification status"],
  ["rationale", "Rationale"],
  ["sources", "Sources"],
];

function describe(field, values) {
  if (!values) return "(deleted)";
  if (field === "claim_type") return (claimTypes.get(values.claim_type) || { name: "—" }).name;
  if (field === "verification_status") return (statuses.get(values.verification_status) || { label: "—" }).label;
  if (field === "rationale") return values.rationale || "—";
  if (field === "span") {
    const info = sentenceInfo(state.index);
    return !info || values.start === undefined || isWhole(info, values) ? "Whole sentence" : `“${quoteOf(info, values)}”`;
  }
  return values.sources.length
    ? values.sources.map((s) => `${s.stance}: ${s.url}${s.title ? ` (${s.title})` : ""}`).join("\n")
    : "—";
}

export function showConflict(mine, current) {
  state.conflict = { mine, current };
  ui.conflictWho.textContent = current
    ? `The server has version ${current.version}, updated ${formatDate(current.updated_at)}. Your edit was based on an older version. Compare, then choose.`
    : "It was deleted meanwhile.";
  const theirs = current ? valuesOf(current) : null;
  const rows = ROWS.map(([field, label]) => {
    const [a, b] = [describe(field, mine), describe(field, theirs)];
    return el("tr", { class: a === b ? "" : "differs" }, el("th", { scope: "row", text: label }), el("td", { text: a }), el("td", { text: b }));
  });
  ui.conflictRows.replaceChildren(...rows);
  ui.conflict.hidden = false;
  ui.btnReloadTheirs.disabled = !current;
  ui.btnOverwrite.disabled = !current;
  setStatus("error", "Not saved: someone else changed this annotation. Reload theirs or overwrite with yours.");
  ui.btnReloadTheirs.focus();
}

export function hideConflict() {
  state.conflict = null;
  ui.conflict.hidden = true;
}
