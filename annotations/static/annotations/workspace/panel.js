// The panel: which sentence and annotation are selected, the sentence's list of
// annotations, the editor's header and span line, drafts of new annotations, cancelling,
// and the address (#s-N, #a-N) that follows the selection.

import {
  canEdit,
  claimTypes,
  data,
  defaultClaimType,
  el,
  formatDate,
  isMine,
  isWhole,
  me,
  quoteOf,
  sentenceCount,
  sentenceEl,
  sentenceInfo,
  statusSymbol,
  statuses,
  truncate,
  ui,
} from "./page.js";
import {
  activeAnnotation,
  annotations,
  annotationsOf,
  firstAnnotation,
  pendingSpan,
  state,
  unindexAnnotation,
} from "./store.js";
import { drawIfPending, renderProgress, renderSentence } from "./render.js";
import {
  checkClaimType,
  fillForm,
  forgetSourceIds,
  isDirty,
  refreshDirty,
  setEditable,
  setStatus,
  takeSnapshot,
  valuesOf,
} from "./form.js";
import { hideConflict } from "./conflict.js";

export function renderList() {
  const anns = state.index === null ? [] : annotationsOf(state.index);
  ui.list.replaceChildren(
    ...anns.map((ann) => {
      const ct = claimTypes.get(ann.claim_type) || { name: "?", color: "#6b7280", shortcut: "" };
      const info = sentenceInfo(ann.sentence_index);
      const partial = info && (ann.start !== info.start || ann.end !== info.end);
      const button = el(
        "button",
        { type: "button", class: isMine(ann) ? "mine" : "other", dataset: { annotation: String(ann.id) } },
        el("span", { class: "sym", text: statusSymbol(ann.verification_status) }),
        el("span", { text: ct.name + (partial ? ` · “${truncate(ann.quote.trim(), 40)}”` : "") }),
        el("span", { class: "who", text: isMine(ann) ? "you" : `by ${ann.annotator.username}` }),
      );
      button.style.setProperty("--c", ct.color);
      button.setAttribute("aria-current", String(state.active === ann.id));
      button.title = `${(statuses.get(ann.verification_status) || {}).label}; ${data.review_states[ann.review_state] || ""}`;
      return el("li", {}, button);
    }),
  );
}

export function renderNotice() {
  const shown = state.notice !== null && state.notice.for === state.active;
  ui.notice.hidden = !shown;
  ui.notice.textContent = shown ? state.notice.text : "";
}

function spanNodes(info, span) {
  return isWhole(info, span) ? ["Whole sentence"] : ["Span: ", el("q", { text: quoteOf(info, span) })];
}

export function renderPanel() {
  hideConflict();
  renderNotice();
  // For panels that follow the selection without being drawn here ("Seen before").
  document.dispatchEvent(new Event("workspace:panel"));
  if (state.index === null) return;
  const info = sentenceInfo(state.index);
  const anns = annotationsOf(state.index);
  ui.panelTitle.textContent = `Sentence ${state.index + 1} of ${sentenceCount}`;
  ui.hint.textContent = anns.length
    ? ""
    : "No annotations yet. Press a number key for a claim type, or a, to annotate the whole sentence; select words with the mouse to annotate a span.";
  ui.hint.hidden = state.active !== null;
  ui.btnNew.hidden = false;
  renderList();

  if (state.active === null) {
    ui.editor.hidden = true;
    return;
  }
  ui.editor.hidden = false;
  const ann = state.active === "new" ? null : annotations.get(state.active);
  const span = ann ? { start: ann.start, end: ann.end } : state.draft;
  ui.span.replaceChildren(...spanNodes(info, span));
  const pending = pendingSpan();
  if (ann && pending) ui.span.append(el("br"), el("span", { class: "span-new" }, "New span, unsaved: ", ...spanNodes(info, pending)));
  if (ann) {
    ui.editorTitle.textContent = `${isMine(ann) ? "Your annotation" : `Annotation by ${ann.annotator.username}`}`;
    ui.editorMeta.replaceChildren(`#${ann.id} · version ${ann.version} · updated ${formatDate(ann.updated_at)}`);
    if (data.urls.admin_annotation) {
      ui.editorMeta.append(
        " · ",
        el("a", { href: data.urls.admin_annotation.replace("/0/", `/${ann.id}/`), text: "open in admin" }),
      );
    }
    if (!canEdit(ann)) ui.editorMeta.append(el("br"), `Read only: only ${ann.annotator.username} or a reviewer may change it.`);
    ui.review.hidden = !me.can_review;
    ui.reviewState.textContent =
      (data.review_states[ann.review_state] || ann.review_state) +
      (ann.reviewed_by ? ` by ${ann.reviewed_by.username}` : "") +
      (ann.review_comment ? ` — “${ann.review_comment}”` : "");
    setEditable(canEdit(ann));
  } else {
    ui.editorTitle.textContent = "New annotation";
    ui.editorMeta.textContent = "Not saved yet.";
    ui.review.hidden = true;
    setEditable(true);
  }
}

// Forget the form's span; redraw its sentence if it showed an unsaved one.
export function clearSpan() {
  const pending = pendingSpan();
  state.span = null;
  if (pending) renderSentence(pending.index);
}

// Load the active annotation, as it is in the store, into the form.
export function loadActive() {
  const ann = annotations.get(state.active);
  clearSpan();
  state.span = { id: ann.id, index: ann.sentence_index, start: ann.start, end: ann.end };
  state.base = ann;
  state.notice = null;
  fillForm(valuesOf(ann));
  takeSnapshot();
}

// After the active annotation went away (deleted, or a draft dropped): open the
// sentence's first annotation, if it has one, and show it.
export function openFirstAnnotation() {
  state.active = firstAnnotation(state.index);
  state.base = null;
  if (typeof state.active === "number") loadActive();
  renderPanel();
  updateHash();
}

function confirmDiscard() {
  if (!isDirty()) return true;
  return window.confirm("You have unsaved changes to this annotation. Discard them?");
}

// Select a sentence (and optionally one of its annotations). Returns false if the user
// chose to keep unsaved changes.
export function selectSentence(index, { annotation = undefined, focus = true, scroll = "nearest", force = false } = {}) {
  const info = sentenceInfo(index);
  if (!info || state.busy) return false; // a save in flight decides what the panel shows
  drawIfPending(index);
  const sameSentence = state.index === index;
  const target = annotation === undefined ? (sameSentence ? state.active : firstAnnotation(index)) : annotation;
  if (!force && !(sameSentence && target === state.active) && !confirmDiscard()) return false;
  const previousDraft = state.draft;
  if (state.index !== null && state.index !== index) {
    const old = sentenceEl(state.index);
    old?.classList.remove("selected");
    old?.removeAttribute("aria-current");
  }
  if (previousDraft && (!sameSentence || target !== "new")) {
    state.draft = null;
    renderSentence(previousDraft.sentence_index);
  }
  state.index = index;
  info.node.classList.add("selected");
  info.node.setAttribute("aria-current", "true");
  if (target !== state.active || !sameSentence) {
    clearSpan();
    state.active = target;
    if (typeof target === "number") loadActive();
  }
  renderPanel();
  if (!sameSentence) setStatus("", ""); // messages about the previous sentence are stale
  refreshDirty();
  updateHash();
  if (focus) info.node.focus({ preventScroll: true });
  if (scroll) info.node.scrollIntoView({ block: scroll });
  return true;
}

export function updateHash() {
  const hash = typeof state.active === "number" ? `#a-${state.active}` : `#s-${state.index}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

export function startDraft({ start = null, end = null, claimType = defaultClaimType?.id } = {}) {
  if (state.index === null || state.busy) return;
  const info = sentenceInfo(state.index);
  if (state.active !== "new" && !confirmDiscard()) return;
  clearSpan();
  state.draft = { sentence: info.id, sentence_index: info.index, start, end };
  state.active = "new";
  state.notice = null;
  fillForm({ claim_type: claimType, verification_status: "unverified", rationale: "", sources: [] });
  takeSnapshot();
  renderSentence(info.index);
  renderPanel();
  updateHash();
  setStatus("dirty", "New annotation, not saved yet — Enter or Ctrl+S saves, Esc cancels.");
}

// A claim type key: sets the open annotation's type, or starts a new annotation with it.
export function pickClaimType(ct) {
  if (state.index === null) return;
  const ann = activeAnnotation();
  if (state.active === null || (ann && !canEdit(ann))) {
    startDraft({ claimType: ct.id });
    return;
  }
  checkClaimType(ct.id);
  refreshDirty();
}

export function cancelEdits() {
  if (state.active === "new") {
    const index = state.draft?.sentence_index;
    state.draft = null;
    state.notice = null;
    if (index !== undefined) renderSentence(index);
    openFirstAnnotation();
    setStatus("", "New annotation discarded.");
  } else if (isDirty()) {
    loadActive();
    renderPanel();
    setStatus("", "Changes cancelled.");
  }
}

// The form's annotation was deleted while it had unsaved edits: keep them as a new draft.
export function keepAsDraft(ann, message) {
  const info = sentenceInfo(ann.sentence_index);
  const span = state.span && state.span.id === ann.id ? state.span : ann; // an unsaved new span too
  const whole = !info || isWhole(info, span);
  state.span = null;
  unindexAnnotation(ann.id);
  state.draft = {
    sentence: ann.sentence,
    sentence_index: ann.sentence_index,
    start: whole ? null : span.start,
    end: whole ? null : span.end,
  };
  state.active = "new";
  state.base = null;
  state.notice = { for: "new", text: message };
  forgetSourceIds(); // they went with it
  renderSentence(ann.sentence_index);
  renderProgress();
  renderPanel();
  updateHash();
}

// Back to the text after an action, so that j/k go on at once.
export function focusSelected() {
  sentenceEl(state.index)?.focus({ preventScroll: true });
}
