// The keyboard: one keydown listener for the whole page, and the help dialog (?).
// Keys act only outside text fields, except Ctrl/⌘+S, Enter (outside text areas) and Esc.

import { claimTypeByKey, doc, ui } from "./page.js";
import { state } from "./store.js";
import { addSource, isDirty } from "./form.js";
import { cancelEdits, focusSelected, pickClaimType } from "./panel.js";
import { review, save } from "./save.js";
import { cycleAnnotation, step, unannotated } from "./navigate.js";
import { newAnnotation, setSpan, useSelectedText } from "./spans.js";
import { copyVerdict, linkHighlighted, moveHighlight, newClaim } from "./claims.js";

const handlers = {
  j: () => step(1),
  ArrowDown: () => step(1),
  k: () => step(-1),
  ArrowUp: () => step(-1),
  n: () => step(1, unannotated),
  p: () => step(-1, unannotated),
  "?": toggleHelp,
  a: newAnnotation,
  A: () => review("approve"),
  R: () => review("request_changes"),
  "[": () => cycleAnnotation(-1),
  "]": () => cycleAnnotation(1),
  v: () => !ui.editor.hidden && ui.status.focus(),
  r: () => !ui.editor.hidden && ui.rationale.focus(),
  s: () => !ui.editor.hidden && addSource(),
  S: useSelectedText,
  W: () => setSpan(null),
  ",": () => moveHighlight(-1),
  ".": () => moveHighlight(1),
  l: linkHighlighted,
  c: newClaim,
  C: copyVerdict,
};

function isTextEntry(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  if (target.tagName !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(target.type);
}

export function toggleHelp() {
  if (ui.help.open) ui.help.close();
  else ui.help.showModal();
}

export function onKeyDown(event) {
  const target = event.target;
  const key = event.key;
  if (ui.help.open) {
    if (key === "?") {
      event.preventDefault();
      ui.help.close();
    }
    return;
  }
  if ((event.ctrlKey || event.metaKey) && !event.altKey && key.toLowerCase() === "s") {
    event.preventDefault();
    save();
    return;
  }
  // Escape first leaves a field (back to the sentence), then cancels unsaved edits.
  if (key === "Escape") {
    if (state.conflict) return;
    event.preventDefault();
    const inPanel = ui.editor.contains(target) || ui.list.contains(target) || target === ui.btnNew;
    if (inPanel && state.index !== null) focusSelected();
    else if (isDirty()) cancelEdits();
    return;
  }
  if (key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const inEditor = ui.editor.contains(target);
    const onDocument = doc.contains(target) || target === document.body;
    if (target.tagName === "TEXTAREA" || target.tagName === "BUTTON" || target.tagName === "A") return;
    if ((inEditor || onDocument) && !ui.editor.hidden) {
      event.preventDefault();
      save();
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || isTextEntry(target)) return;
  if (target.closest && target.closest("#conflict")) return;

  // Arrow keys keep their native meaning inside radio groups, selects and the panel.
  if ((key === "ArrowDown" || key === "ArrowUp") && !(doc.contains(target) || target === document.body)) return;
  let handler = handlers[key];
  if (!handler && claimTypeByKey.has(key)) handler = () => pickClaimType(claimTypeByKey.get(key));
  if (!handler) return;
  event.preventDefault();
  handler();
}
