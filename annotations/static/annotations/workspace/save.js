// Writes: saving the form (a new annotation or a PATCH with the version it was loaded
// from), the choice after a 412 (reload theirs, overwrite with mine), delete and review.

import { API, canEdit, claimTypes, me, ui } from "./page.js";
import { annotations, gone, indexAnnotation, state, unindexAnnotation } from "./store.js";
import { api, failure, networkFailure } from "./api.js";
import { renderProgress, renderSentence } from "./render.js";
import { isDirty, readForm, setStatus } from "./form.js";
import { focusSelected, keepAsDraft, loadActive, openFirstAnnotation, renderPanel, updateHash } from "./panel.js";
import { hideConflict, showConflict } from "./conflict.js";

function missingClaimType(values) {
  if (values.claim_type) return false;
  setStatus("error", "Save failed: pick a claim type first (number keys 1–9).");
  return true;
}

export async function save() {
  if (state.busy || state.active === null || ui.editor.hidden) return;
  const base = typeof state.active === "number" ? state.base || annotations.get(state.active) : null;
  if (base && !canEdit(base)) return;
  const values = readForm();
  if (missingClaimType(values)) return;
  if (state.active !== "new" && !isDirty()) {
    setStatus("saved", "Nothing to save: no changes.");
    return;
  }
  // The version the form was loaded from, even if a newer one arrived meanwhile: a change
  // by someone else then answers 412 and the user chooses (see live.js).
  await send(values, base ? base.version : null);
}

async function send(values, version) {
  const focusedBefore = document.activeElement;
  state.busy = true;
  ui.btnSave.disabled = true;
  setStatus("saving", "Saving…");
  let result;
  try {
    if (state.active === "new") {
      const body = { sentence: state.draft.sentence, ...values };
      if (state.draft.start !== null) Object.assign(body, { start: state.draft.start, end: state.draft.end });
      result = await api("POST", API, { body });
    } else {
      result = await api("PATCH", `${API}${state.active}/`, { body: values, version });
    }
  } catch (error) {
    result = networkFailure(error, `network error (${error.message}); your changes are kept, try again.`);
  } finally {
    state.busy = false;
    ui.btnSave.disabled = false;
  }
  if (result.ok) {
    const saved = result.payload;
    const draftIndex = state.draft?.sentence_index;
    state.draft = null;
    indexAnnotation(saved);
    state.active = saved.id;
    if (draftIndex !== undefined && draftIndex !== saved.sentence_index) renderSentence(draftIndex);
    renderSentence(saved.sentence_index);
    loadActive();
    renderPanel();
    renderProgress();
    updateHash();
    setStatus("saved", `Saved ✓ (version ${saved.version}) at ${new Date().toLocaleTimeString()}`);
    document.dispatchEvent(new CustomEvent("workspace:saved", { detail: saved }));
    // Back to the text, so that j/k go on at once; a text area keeps its focus.
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost || (ui.editor.contains(focusedBefore) && focusedBefore.tagName !== "TEXTAREA")) {
      focusSelected();
    }
  } else if (result.status === 412) {
    showConflict(values, result.payload && result.payload.current);
  } else if (result.status === 404 && typeof state.active === "number" && state.base) {
    keepAsDraft(state.base, "Deleted by someone else meanwhile — your edits are kept as a new, unsaved annotation.");
    setStatus("error", "Not saved: the annotation was deleted. Save again to add yours as a new one.");
  } else {
    setStatus("error", failure("Save failed", result));
  }
}

export function reloadTheirs() {
  const { current } = state.conflict || {};
  if (!current) return;
  const known = annotations.get(current.id);
  if (!known || known.version <= current.version) indexAnnotation(current); // not older than a poll's
  renderSentence(current.sentence_index);
  renderProgress();
  state.active = current.id;
  loadActive();
  renderPanel();
  setStatus("saved", `Loaded the current version ${current.version}; your edits were dropped.`);
  focusSelected();
}

export async function overwrite() {
  const { mine, current } = state.conflict || {};
  if (!current) return;
  hideConflict();
  annotations.set(current.id, current);
  await send(mine, current.version);
}

export async function remove() {
  if (typeof state.active !== "number") return;
  const ann = state.base || annotations.get(state.active);
  if (!canEdit(ann)) return;
  if (!window.confirm(`Delete this annotation (${(claimTypes.get(ann.claim_type) || {}).name}) and its sources?`)) return;
  setStatus("saving", "Deleting…");
  const result = await api("DELETE", `${API}${ann.id}/`, { version: ann.version }).catch((error) => networkFailure(error));
  if (result.ok || result.status === 404) {
    gone.add(ann.id);
    unindexAnnotation(ann.id);
    renderSentence(ann.sentence_index);
    renderProgress();
    openFirstAnnotation();
    setStatus("saved", "Annotation deleted.");
    focusSelected();
  } else if (result.status === 412) {
    showConflict(readForm(), result.payload && result.payload.current);
  } else {
    setStatus("error", failure("Delete failed", result));
  }
}

export async function review(decision) {
  if (typeof state.active !== "number" || !me.can_review) return;
  if (isDirty()) {
    setStatus("error", "Save or cancel your changes before reviewing.");
    return;
  }
  const ann = annotations.get(state.active);
  setStatus("saving", decision === "approve" ? "Approving…" : "Requesting changes…");
  const result = await api("POST", `${API}${ann.id}/review/`, {
    body: { decision, comment: ui.reviewComment.value },
    version: ann.version,
  }).catch((error) => networkFailure(error));
  if (result.ok) {
    indexAnnotation(result.payload);
    renderSentence(result.payload.sentence_index);
    renderProgress();
    loadActive();
    renderPanel();
    ui.reviewComment.value = "";
    setStatus("saved", decision === "approve" ? "Approved ✓" : "Changes requested ↺");
  } else if (result.status === 412) {
    showConflict(readForm(), result.payload && result.payload.current);
  } else {
    setStatus("error", failure("Review failed", result));
  }
}
