// Spans from the mouse: the words selected in a sentence as code-point offsets, a new
// annotation on them, or a new span for the open annotation ("Use selected text",
// "Whole sentence"), and what a click or a drag in the text does.

import { canEdit, codePoints, doc, quoteOf, sentenceInfo, truncate, ui } from "./page.js";
import { activeAnnotation, pendingSpan, state } from "./store.js";
import { renderSentence } from "./render.js";
import { isDirty, refreshDirty, setStatus } from "./form.js";
import { renderPanel, selectSentence, startDraft } from "./panel.js";
import { cycleAnnotation } from "./navigate.js";

// A boundary of the DOM selection as a code-point offset into the sentence text.
function offsetIn(st, node, offset) {
  const range = document.createRange();
  range.setStart(st, 0);
  range.setEnd(node, offset);
  return codePoints(range.toString()).length;
}

function spanFromSelection() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  const startSentence = range.startContainer.parentElement?.closest(".s");
  const endSentence = range.endContainer.parentElement?.closest(".s");
  if (!startSentence || !doc.contains(startSentence)) return null;
  if (startSentence !== endSentence) return { error: "A span must lie inside one sentence; select words within a single sentence." };
  const st = startSentence.querySelector(".st");
  if (!st.contains(range.startContainer) || !st.contains(range.endContainer)) return null;
  const info = sentenceInfo(Number(startSentence.id.slice(2)));
  const chars = codePoints(info.text);
  let from = offsetIn(st, range.startContainer, range.startOffset);
  let to = offsetIn(st, range.endContainer, range.endOffset);
  while (from < to && /\s/.test(chars[from])) from += 1;
  while (to > from && /\s/.test(chars[to - 1])) to -= 1;
  if (from >= to) return null;
  return { index: info.index, start: info.start + from, end: info.start + to, whole: from === 0 && to === chars.length };
}

// The annotation open in the panel (or the draft) takes the words selected in its sentence.
export function useSelectedText() {
  if (ui.editor.hidden || ui.btnSpanUse.disabled || state.busy || state.conflict) return;
  const index = state.active === "new" ? state.draft.sentence_index : state.span?.index;
  if (index === undefined) return;
  const span = spanFromSelection();
  if (!span) {
    setStatus("error", `Select words in sentence ${index + 1} first, then use them as the span.`);
    return;
  }
  if (span.error) {
    setStatus("error", span.error);
    return;
  }
  if (span.index !== index) {
    setStatus(
      "error",
      `Not used: the selection is in sentence ${span.index + 1}; a span must lie inside this annotation's sentence (${index + 1}).`,
    );
    return;
  }
  window.getSelection().removeAllRanges();
  setSpan(span.whole ? null : span);
}

// Set the form's span: null is the whole sentence. For a saved annotation it is an unsaved change.
export function setSpan(span) {
  if (ui.editor.hidden || ui.btnSpanWhole.disabled || state.busy || state.conflict) return;
  if (state.active === "new") {
    Object.assign(state.draft, span ? { start: span.start, end: span.end } : { start: null, end: null });
    renderSentence(state.draft.sentence_index);
  } else if (state.span && state.span.id === state.active) {
    const info = sentenceInfo(state.span.index);
    const [start, end] = span ? [span.start, span.end] : [info.start, info.end];
    const before = pendingSpan();
    state.span = { ...state.span, start, end };
    if (before || pendingSpan()) renderSentence(state.span.index);
  } else return;
  renderPanel();
  refreshDirty();
  if (!isDirty()) setStatus("", span ? "That is already the span." : "Already the whole sentence.");
}

// a (or the button) starts a new annotation; words selected in the sentence become its span.
export function newAnnotation() {
  const span = spanFromSelection();
  if (span && !span.error && span.index === state.index && !span.whole) {
    window.getSelection().removeAllRanges();
    startDraft({ start: span.start, end: span.end });
  } else startDraft();
}

export function onMouseUp(event) {
  if (event.button !== 0) return;
  const span = spanFromSelection();
  if (span && span.error) {
    setStatus("error", span.error);
    return;
  }
  if (span) {
    const ann = activeAnnotation();
    if (ann && canEdit(ann) && !ui.editor.hidden && ann.sentence_index === span.index) {
      // Keep the selection: it may become this annotation's span, or a new annotation.
      const info = sentenceInfo(span.index);
      setStatus(
        "",
        `Selected “${truncate(quoteOf(info, span), 40)}” — Shift+S uses it as this annotation's span; a starts a new annotation on it.`,
      );
      return;
    }
    if (state.index !== span.index && !selectSentence(span.index, { scroll: false })) return;
    window.getSelection().removeAllRanges();
    startDraft(span.whole ? {} : { start: span.start, end: span.end });
    return;
  }
  const node = event.target.closest(".s");
  if (!node || !doc.contains(node)) return;
  const mark = event.target.closest("mark[data-annotation]");
  const index = Number(node.id.slice(2));
  if (mark) selectSentence(index, { annotation: Number(mark.dataset.annotation), scroll: false });
  else if (event.target.closest(".badges") && state.index === index) cycleAnnotation(1);
  else selectSentence(index, { scroll: false });
}
