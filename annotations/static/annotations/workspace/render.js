// Drawing annotations into the document text: each annotated sentence's underline colour,
// badges, filter classes and <mark>s for partial spans (and for the span being edited),
// plus the progress line. The server renders every sentence; only annotated ones are
// touched, so start-up cost grows with the annotations, not with the document.

import {
  VERIFIED,
  claimTypes,
  codePoints,
  data,
  el,
  isMine,
  sentenceCount,
  sentenceInfo,
  statusSymbol,
  statuses,
  ui,
} from "./page.js";
import { annotations, annotationsOf, bySentence, pendingSpan, state } from "./store.js";

const pendingMarks = new Set(); // annotated sentences whose marks are not drawn yet

// Marks are drawn in slices so that a fully annotated 5,000-sentence document answers
// keys at once; sentences the user reaches first are drawn on demand.
const FIRST_SLICE = 300;
const SLICE = 250;

function badgeFor(ann) {
  const ct = claimTypes.get(ann.claim_type) || { shortcut: "", slug: "?", color: "#6b7280", name: "?" };
  const mine = isMine(ann);
  const label = `${ct.shortcut || ct.slug.slice(0, 3)} ${statusSymbol(ann.verification_status)}`;
  const who = mine ? "" : ` ${ann.annotator.username}`;
  const badge = el("span", {
    class: `badge ${mine ? "mine" : "other"} ${ann.review_state}`,
    title: `${ct.name} — ${(statuses.get(ann.verification_status) || {}).label} — ${
      mine ? "yours" : "by " + ann.annotator.username
    } — ${data.review_states[ann.review_state] || ann.review_state}`,
    text: label + who,
  });
  badge.style.setProperty("--c", ct.color);
  return badge;
}

// Redraw one sentence: classes for filters, a colour, badges, and marks for partial spans.
export function renderSentence(index) {
  pendingMarks.delete(index);
  const info = sentenceInfo(index);
  if (!info) return;
  const { node } = info;
  const anns = annotationsOf(index);
  const mine = anns.filter(isMine);
  node.classList.toggle("has-a", anns.length > 0);
  node.classList.toggle("has-mine", mine.length > 0);
  node.classList.toggle("others-only", anns.length > 0 && mine.length === 0);
  node.classList.toggle("has-unverified", anns.some((a) => !VERIFIED.has(a.verification_status)));
  const lead = mine[0] || anns[0];
  if (lead) node.style.setProperty("--c", (claimTypes.get(lead.claim_type) || {}).color || "#6b7280");
  else node.style.removeProperty("--c");
  node.querySelector(".badges")?.remove();
  if (anns.length) node.append(el("span", { class: "badges" }, ...anns.map(badgeFor)));

  const spans = anns
    .filter((a) => a.start !== info.start || a.end !== info.end)
    .map((a) => ({ start: a.start, end: a.end, ann: a }));
  if (state.draft && state.draft.sentence_index === index && state.draft.start !== null) {
    spans.push({ start: state.draft.start, end: state.draft.end, ann: null });
  }
  const pending = pendingSpan();
  if (pending && pending.index === index) spans.push({ start: pending.start, end: pending.end, ann: null });
  const st = node.querySelector(".st");
  if (!spans.length) {
    if (st.childElementCount) st.textContent = info.text;
    return;
  }
  const chars = codePoints(info.text);
  const cuts = new Set([0, chars.length]);
  for (const span of spans) {
    cuts.add(Math.max(0, span.start - info.start));
    cuts.add(Math.min(chars.length, span.end - info.start));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const text = chars.slice(from, to).join("");
    const covering = spans.filter((s) => s.start - info.start <= from && s.end - info.start >= to);
    if (!covering.length) {
      pieces.push(document.createTextNode(text));
      continue;
    }
    const top = covering[covering.length - 1];
    const mark = el("mark", { text });
    if (top.ann === null) mark.className = "draft";
    else {
      if (!isMine(top.ann)) mark.className = "other";
      mark.dataset.annotation = String(top.ann.id);
      mark.style.setProperty("--c", (claimTypes.get(top.ann.claim_type) || {}).color || "#888");
    }
    pieces.push(mark);
  }
  st.replaceChildren(...pieces);
}

// A sentence about to be shown in the panel gets its marks now, not in its slice.
export function drawIfPending(index) {
  if (pendingMarks.has(index)) renderSentence(index);
}

function drawPending(limit) {
  let drawn = 0;
  for (const index of pendingMarks) {
    if (drawn >= limit) break;
    pendingMarks.delete(index);
    renderSentence(index);
    drawn += 1;
  }
  if (pendingMarks.size) setTimeout(() => drawPending(SLICE), 0);
}

// At start-up: the first slice at once, in document order, the rest in later tasks.
export function drawAllMarks() {
  for (const index of [...bySentence.keys()].sort((a, b) => a - b)) pendingMarks.add(index);
  drawPending(FIRST_SLICE);
}

export function renderProgress() {
  let verified = 0;
  let approved = 0;
  for (const ann of annotations.values()) {
    if (VERIFIED.has(ann.verification_status)) verified += 1;
    if (ann.review_state === "approved") approved += 1;
  }
  const claims = annotations.size;
  ui.progress.textContent =
    `Annotated ${bySentence.size} of ${sentenceCount} sentences · ` +
    `Verified ${verified} of ${claims} claims · Approved ${approved} of ${claims} claims`;
}
