// The adjudication page: every disagreement of the document as a card with each done
// assignee's version side by side. A reviewer accepts a version (1..9), "no claim" (0) or
// a merged version (e, then Enter) from the keyboard; each decision is one POST to
// /api/v1/documents/{id}/adjudicate/, whose answer redraws the card and the counter.
//
// All text from the server or from users is written with textContent, never as HTML.

import { api, failure, networkFailure } from "./workspace/api.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("adjudication-data").textContent);
const statusLabel = new Map(data.statuses.map((s) => [s.value, s.label]));
const claimTypeId = new Map(data.claim_types.map((ct) => [ct.slug, ct.id]));
const STATE_LABEL = { pending: "pending", approved: "approved", changes_requested: "returned", not_chosen: "not chosen" };

const list = $("cases");
const statusLine = $("adj-status");
const editor = $("merged-editor");
const help = $("adj-help");
const field = {
  claimType: $("merged-claim-type"),
  status: $("merged-status"),
  from: $("merged-from"),
  to: $("merged-to"),
  quote: $("merged-quote"),
  rationale: $("merged-rationale"),
};

const cases = data.sentences;
let current = 0;
let busy = false;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The annotation's span: "whole sentence", or the sentence with the span marked.
function spanView(sentence, annotation) {
  if (annotation.start === sentence.start && annotation.end === sentence.end) return el("p", "adj-span whole", "Whole sentence");
  const quote = el("p", "adj-span");
  const from = annotation.start - sentence.start;
  const to = annotation.end - sentence.start;
  quote.append(sentence.text.slice(0, from), el("mark", "", sentence.text.slice(from, to)), sentence.text.slice(to));
  return quote;
}

function annotationView(sentence, annotation) {
  const item = el("li", `adj-annotation state-${annotation.review_state}`);
  item.dataset.annotationId = annotation.id;
  const head = el("p", "adj-annotation-head");
  const chip = el("span", "chip", annotation.claim_type_name);
  chip.style.setProperty("--c", annotation.color);
  head.append(chip, " ", el("span", `verdict status-${annotation.verification_status}`, statusLabel.get(annotation.verification_status) || annotation.verification_status));
  head.append(" ", el("span", "review-badge", STATE_LABEL[annotation.review_state] || annotation.review_state));
  item.append(head, spanView(sentence, annotation));
  if (annotation.rationale) item.append(el("p", "adj-rationale", annotation.rationale));
  return item;
}

function versionView(sentence, version) {
  const section = el("section", "adj-version");
  section.dataset.number = version.number;
  const head = el("div", "adj-version-head");
  const heading = el("h3");
  heading.append(el("kbd", "", String(version.number)), ` ${version.annotator}`);
  const accept = el("button", "adj-accept", `Accept version ${version.number}`);
  accept.type = "button";
  accept.addEventListener("click", () => acceptVersion(cases.indexOf(sentence), version.number));
  head.append(heading, accept);
  section.append(head);
  if (!version.annotations.length) {
    section.classList.add("no-claim");
    section.append(el("p", "adj-no-claim", "No claim"));
  } else {
    const items = el("ul", "adj-annotations");
    for (const annotation of version.annotations) items.append(annotationView(sentence, annotation));
    section.append(items);
  }
  return section;
}

function caseView(sentence, position) {
  const card = el("li", "card adj-case");
  card.id = `case-${sentence.id}`;
  card.tabIndex = -1;
  card.dataset.resolved = String(sentence.resolved);
  card.setAttribute("aria-current", String(position === current));
  const head = el("header", "adj-case-head");
  head.append(el("h2", "", `Sentence ${sentence.index + 1}`));
  const actions = el("p", "adj-actions");
  const noClaim = el("button", "", "No claim ");
  noClaim.type = "button";
  noClaim.append(el("kbd", "", "0"));
  noClaim.addEventListener("click", () => decide(position, { accept: null }, "no claim"));
  const merge = el("button", "", "Edit merged ");
  merge.type = "button";
  merge.append(el("kbd", "", "e"));
  merge.addEventListener("click", () => openEditor(position));
  actions.append(noClaim, merge);
  head.append(actions);
  head.append(el("p", `adj-decision${sentence.resolved ? " is-resolved" : ""}`, sentence.resolved ? `Resolved: ${sentence.decision}` : "Unresolved"));
  card.append(head, el("blockquote", "adj-sentence", sentence.text));
  const versions = el("div", "adj-versions");
  for (const version of sentence.versions) versions.append(versionView(sentence, version));
  card.append(versions);
  if (sentence.others.length) {
    const others = el("section", "adj-others");
    others.append(el("h3", "", "Other annotations (merged)"));
    const items = el("ul", "adj-annotations");
    for (const annotation of sentence.others) items.append(annotationView(sentence, annotation));
    others.append(items);
    card.append(others);
  }
  return card;
}

function renderAll() {
  list.replaceChildren(...cases.map(caseView));
}

function renderCase(position) {
  const old = list.children[position];
  const card = caseView(cases[position], position);
  if (editor.parentElement === old) card.append(editor);
  old.replaceWith(card);
}

function setCounts(resolved, total) {
  $("resolved-count").textContent = String(resolved);
  $("total-count").textContent = String(total);
}

function focusCase(position) {
  if (!cases.length) return;
  closeEditor();
  const previous = list.children[current];
  if (previous) previous.setAttribute("aria-current", "false");
  current = Math.max(0, Math.min(cases.length - 1, position));
  const card = list.children[current];
  card.setAttribute("aria-current", "true");
  card.focus();
  card.scrollIntoView({ block: "nearest" });
}

async function decide(position, body, what) {
  if (busy || !cases[position]) return;
  const sentence = cases[position];
  busy = true;
  statusLine.textContent = `Saving sentence ${sentence.index + 1}…`;
  let result;
  try {
    result = await api("POST", data.url, { body: { sentence: sentence.id, ...body } });
  } catch (error) {
    result = networkFailure(error);
  } finally {
    busy = false;
  }
  if (!result.ok) {
    statusLine.textContent = failure(`Sentence ${sentence.index + 1} not saved`, result);
    return false;
  }
  cases[position] = result.payload.sentence;
  renderCase(position);
  setCounts(result.payload.resolved, result.payload.total);
  statusLine.textContent = `Sentence ${sentence.index + 1}: accepted ${what}. ${result.payload.resolved} of ${result.payload.total} resolved.`;
  if (position === current) list.children[position].focus();
  return true;
}

function acceptVersion(position, number) {
  const sentence = cases[position];
  const version = sentence && sentence.versions.find((v) => v.number === number);
  if (!version) return;
  const accept = version.annotations.length ? version.annotations[0].id : null;
  decide(position, { accept }, `version ${number} (${version.annotator})`);
}

// --- the merged version -----------------------------------------------------------------

function updateQuote() {
  const sentence = cases[current];
  const from = Number(field.from.value);
  const to = Number(field.to.value);
  field.quote.textContent = sentence && from < to ? sentence.text.slice(from, to) : "";
}

function openEditor(position) {
  if (!cases[position]) return;
  if (position !== current) focusCase(position);
  const sentence = cases[position];
  const approved = [...sentence.others, ...sentence.versions.flatMap((v) => v.annotations)];
  const base = approved.find((a) => a.review_state === "approved") || approved[0];
  field.from.max = field.to.max = String(sentence.text.length);
  field.from.value = String(base ? base.start - sentence.start : 0);
  field.to.value = String(base ? base.end - sentence.start : sentence.text.length);
  if (base) {
    field.claimType.value = String(claimTypeId.get(base.claim_type));
    field.status.value = base.verification_status;
    field.rationale.value = base.rationale;
  }
  updateQuote();
  list.children[position].append(editor);
  editor.hidden = false;
  field.claimType.focus();
}

function closeEditor() {
  if (editor.hidden) return;
  editor.hidden = true;
  document.body.append(editor);
}

async function saveMerged(event) {
  event.preventDefault();
  const sentence = cases[current];
  const merged = {
    claim_type: Number(field.claimType.value),
    verification_status: field.status.value,
    start: sentence.start + Number(field.from.value),
    end: sentence.start + Number(field.to.value),
    rationale: field.rationale.value,
  };
  editor.hidden = true;
  const saved = await decide(current, { merged }, "a merged version");
  if (saved) closeEditor();
  else editor.hidden = false;
}

// --- the keyboard -----------------------------------------------------------------------

function onKey(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const inEditor = editor.contains(event.target);
  if (event.key === "Escape") {
    if (help.open) return; // the dialog closes itself
    if (!editor.hidden) {
      closeEditor();
      list.children[current].focus();
    }
    return;
  }
  if (inEditor) {
    const multiline = event.target === field.rationale && event.shiftKey;
    if (event.key === "Enter" && !multiline) {
      event.preventDefault();
      editor.requestSubmit();
    }
    return;
  }
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
  const key = event.key;
  if (key === "?") {
    if (help.open) help.close();
    else help.showModal();
  } else if (key === "j" || key === "n") focusCase(current + 1);
  else if (key === "k" || key === "p") focusCase(current - 1);
  else if (key === "0") decide(current, { accept: null }, "no claim");
  else if (/^[1-9]$/.test(key)) acceptVersion(current, Number(key));
  else if (key === "e") openEditor(current);
  else return;
  event.preventDefault();
}

renderAll();
document.addEventListener("keydown", onKey);
editor.addEventListener("submit", saveMerged);
field.from.addEventListener("input", updateQuote);
field.to.addEventListener("input", updateQuote);
$("merged-cancel").addEventListener("click", () => {
  closeEditor();
  list.children[current].focus();
});
$("btn-help").addEventListener("click", () => help.showModal());
if (cases.length) list.children[0].setAttribute("aria-current", "true");
