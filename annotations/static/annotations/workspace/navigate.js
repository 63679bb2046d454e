// Moving through the document: the "show only" filters, next/previous sentence (or
// unannotated sentence), cycling through a sentence's annotations, and #s-N / #a-N links.

import { VERIFIED, doc, isMine, sentenceCount, sentenceEl } from "./page.js";
import { annotations, annotationsOf, bySentence, state } from "./store.js";
import { setStatus } from "./form.js";
import { selectSentence } from "./panel.js";

const filters = new Set();

// The CSS hides what a filter leaves out; navigation asks isShown() the same question.
export function setFilter(name, on) {
  if (on) filters.add(name);
  else filters.delete(name);
  doc.classList.toggle(`only-${name}`, on);
}

// Whether the active filters show a sentence; decided from the data, like the CSS classes.
function isShown(index) {
  if (!filters.size) return index >= 0 && index < sentenceCount;
  const anns = annotationsOf(index);
  if (filters.has("claims") && !anns.length) return false;
  if (filters.has("unverified") && !anns.some((a) => !VERIFIED.has(a.verification_status))) return false;
  if (filters.has("mine") && !anns.some(isMine)) return false;
  return true;
}

export function step(direction, predicate = isShown) {
  let index = state.index === null ? (direction > 0 ? -1 : sentenceCount) : state.index;
  for (index += direction; index >= 0 && index < sentenceCount; index += direction) {
    if (predicate(index)) return selectSentence(index);
  }
  setStatus("", direction > 0 ? "No further sentence." : "No earlier sentence.");
  return false;
}

export const unannotated = (index) => !bySentence.has(index) && isShown(index);

export function cycleAnnotation(direction) {
  const ids = bySentence.get(state.index) || [];
  if (!ids.length) return;
  const at = ids.indexOf(state.active);
  const next = ids[(at + direction + ids.length) % ids.length];
  selectSentence(state.index, { annotation: next });
}

export function followHash() {
  const match = /^#([sa])-(\d+)$/.exec(location.hash);
  if (!match) return;
  const number = Number(match[2]);
  if (match[1] === "s") {
    if (!sentenceEl(number)) setStatus("error", `This document has no sentence ${number}.`);
    else selectSentence(number, { scroll: "center" });
    return;
  }
  const ann = annotations.get(number);
  if (!ann) setStatus("error", `Annotation ${number} is not in this document.`);
  else selectSentence(ann.sentence_index, { annotation: ann.id, scroll: "center" });
}
