// The annotations of the document, indexed by id and by sentence, and the state of the
// selection and the form. Data only: drawing is render.js's, the panel is panel.js's.

import { isMine } from "./page.js";

export const annotations = new Map(); // id -> annotation as the API returns it
export const bySentence = new Map(); // sentence index -> [annotation ids], in span order
export const gone = new Set(); // ids known to be deleted: a list fetched before the deletion can't revive them

export const state = {
  index: null, // selected sentence index
  active: null, // annotation id being edited, "new" for a draft, null for none
  draft: null, // {sentence, sentence_index, start, end} of a new annotation
  span: null, // {id, index, start, end}: the span in the form of the annotation being edited
  snapshot: "", // the form's values when loaded, to tell unsaved changes
  base: null, // the annotation as loaded into the form: its version goes with a save
  notice: null, // {for: annotation id or "new", text} about a change made by someone else
  busy: false,
  conflict: null, // {mine, current} while a 412 is shown
};

// The page's annotations, already in span order within each sentence.
export function loadAnnotations(list) {
  for (const ann of list) {
    annotations.set(ann.id, ann);
    const ids = bySentence.get(ann.sentence_index);
    if (ids) ids.push(ann.id);
    else bySentence.set(ann.sentence_index, [ann.id]);
  }
}

export function indexAnnotation(ann) {
  const previous = annotations.get(ann.id);
  if (previous && previous.sentence_index !== ann.sentence_index) unindexAnnotation(ann.id);
  annotations.set(ann.id, ann);
  const ids = bySentence.get(ann.sentence_index) || [];
  if (!ids.includes(ann.id)) ids.push(ann.id);
  ids.sort((a, b) => annotations.get(a).start - annotations.get(b).start || a - b);
  bySentence.set(ann.sentence_index, ids);
}

export function unindexAnnotation(id) {
  const ann = annotations.get(id);
  if (!ann) return;
  annotations.delete(id);
  const ids = (bySentence.get(ann.sentence_index) || []).filter((other) => other !== id);
  if (ids.length) bySentence.set(ann.sentence_index, ids);
  else bySentence.delete(ann.sentence_index);
}

export function annotationsOf(index) {
  return (bySentence.get(index) || []).map((id) => annotations.get(id));
}

// The annotation a sentence opens with: the user's own first, else the first one.
export function firstAnnotation(index) {
  const anns = annotationsOf(index);
  const mine = anns.find(isMine);
  return (mine || anns[0] || { id: null }).id;
}

// The saved annotation open in the form, if any (not a draft).
export const activeAnnotation = () => (typeof state.active === "number" ? annotations.get(state.active) : null);

// The span chosen in the form for the annotation being edited, when it differs from the saved one.
export function pendingSpan() {
  const span = state.span;
  if (!span || state.active !== span.id) return null;
  const ann = annotations.get(span.id);
  return ann && (ann.start !== span.start || ann.end !== span.end) ? span : null;
}
