// The editor form: claim type, verification status, rationale and source rows; reading
// and filling it, telling unsaved changes from the snapshot taken when it was loaded, and
// the status line under it.

import { data, el, isHttpUrl, ui } from "./page.js";
import { state } from "./store.js";

export function setStatus(kind, message) {
  ui.saveStatus.dataset.state = kind;
  ui.saveStatus.textContent = message;
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function sourceRow(source, number) {
  const id = `src-${number}-${Math.random().toString(36).slice(2, 8)}`;
  const field = (name, label, input, wide = false) =>
    el("div", { class: wide ? "wide" : "" }, el("label", { for: `${id}-${name}`, text: label }), input);
  const url = el("input", { type: "url", id: `${id}-url`, value: source.url || "", placeholder: "https://…" });
  url.dataset.field = "url";
  const title = el("input", { type: "text", id: `${id}-title`, value: source.title || "" });
  title.dataset.field = "title";
  const publisher = el("input", { type: "text", id: `${id}-publisher`, value: source.publisher || "" });
  publisher.dataset.field = "publisher";
  const stance = el(
    "select",
    { id: `${id}-stance` },
    ...data.stances.map((s) => el("option", { value: s.value, text: s.label })),
  );
  stance.value = source.stance || "supports";
  stance.dataset.field = "stance";
  const excerpt = el("textarea", { id: `${id}-excerpt`, rows: "1" });
  excerpt.value = source.excerpt || "";
  excerpt.dataset.field = "excerpt";
  const remove = el("button", { type: "button", class: "danger remove-source", text: "Remove" });
  remove.setAttribute("aria-label", `Remove source ${number}`);
  const row = el(
    "li",
    { class: "source" },
    el("div", { class: "source-head" }, el("strong", { text: `Source ${number}` }), remove),
    el(
      "div",
      { class: "source-grid" },
      field("url", "URL", url, true),
      field("title", "Title", title),
      field("publisher", "Publisher", publisher),
      field("stance", "Stance", stance),
      field("excerpt", "Excerpt", excerpt),
    ),
  );
  if (source.id) row.dataset.id = String(source.id);
  // A source added now was read today; an older one keeps what it had, even nothing.
  row.dataset.accessedAt = source.id ? source.accessed_at || "" : source.accessed_at || today();
  if (isHttpUrl(source.url)) {
    const link = el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer nofollow", text: "open ↗", class: "small" });
    row.querySelector(".source-head").insertBefore(link, remove);
  }
  return row;
}

function renumberSources() {
  [...ui.sources.children].forEach((row, i) => {
    row.querySelector(".source-head strong").textContent = `Source ${i + 1}`;
    row.querySelector(".remove-source").setAttribute("aria-label", `Remove source ${i + 1}`);
  });
}

export function addSource() {
  if (ui.btnAddSource.disabled) return;
  const row = sourceRow({ stance: "supports" }, ui.sources.children.length + 1);
  ui.sources.append(row);
  row.querySelector("input").focus();
  refreshDirty();
}

export function removeSource(button) {
  button.closest("li").remove();
  renumberSources();
  ui.btnAddSource.focus();
  refreshDirty();
}

// The source rows lose their ids: the annotation they belonged to was deleted.
export function forgetSourceIds() {
  for (const row of ui.sources.children) delete row.dataset.id;
}

export function readForm() {
  const checked = ui.editor.querySelector('input[name="claim_type"]:checked');
  const span = typeof state.active === "number" && state.span && state.span.id === state.active ? state.span : null;
  return {
    ...(span ? { start: span.start, end: span.end } : {}),
    claim_type: checked ? Number(checked.value) : null,
    verification_status: ui.status.value,
    rationale: ui.rationale.value,
    sources: [...ui.sources.children].map((row) => {
      const source = {};
      if (row.dataset.id) source.id = Number(row.dataset.id);
      for (const input of row.querySelectorAll("[data-field]")) source[input.dataset.field] = input.value.trim();
      source.accessed_at = row.dataset.accessedAt || null;
      return source;
    }),
  };
}

export function fillForm(values) {
  for (const radio of ui.editor.querySelectorAll('input[name="claim_type"]')) {
    radio.checked = Number(radio.value) === values.claim_type;
  }
  ui.status.value = values.verification_status || "unverified";
  ui.rationale.value = values.rationale || "";
  ui.sources.replaceChildren(...(values.sources || []).map((s, i) => sourceRow(s, i + 1)));
}

export function checkClaimType(id) {
  ui.editor.querySelector(`input[name="claim_type"][value="${id}"]`).checked = true;
}

// An annotation's values in the shape readForm() returns.
export function valuesOf(ann) {
  return {
    start: ann.start,
    end: ann.end,
    claim_type: ann.claim_type,
    verification_status: ann.verification_status,
    rationale: ann.rationale,
    sources: ann.sources.map((s) => ({ ...s })),
  };
}

export function takeSnapshot() {
  state.snapshot = JSON.stringify(readForm());
}

export function isDirty() {
  if (state.active === null) return false;
  if (state.active === "new") return true;
  return JSON.stringify(readForm()) !== state.snapshot;
}

export function refreshDirty() {
  if (state.busy) return;
  if (isDirty()) setStatus("dirty", "Unsaved changes — Enter or Ctrl+S saves, Esc cancels.");
  else if (ui.saveStatus.dataset.state === "dirty") setStatus("", "");
}

export function setEditable(editable) {
  const controls = "input, select, textarea, .remove-source, #btn-add-source, #btn-span-use, #btn-span-whole";
  for (const control of ui.editor.querySelectorAll(controls)) {
    if (control.closest("#review")) continue;
    control.disabled = !editable;
  }
  ui.btnSave.hidden = !editable;
  ui.btnDelete.hidden = !editable || state.active === "new";
}
