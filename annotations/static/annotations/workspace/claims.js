// "Seen before": the claims of the project that the selected sentence (or the open
// annotation's span) may repeat, best first, and the claim the open annotation is linked
// to. Suggestions change nothing by themselves: linking (l), a new claim (c), unlinking
// and copying the claim's verdict (C) are explicit, each one call with the annotation's
// version. The panel follows the selection through "workspace:panel" (panel.js).

import { $, API, VERIFIED, canEdit, data, el, formatDate, isWhole, quoteOf, sentenceInfo, statusSymbol, statuses, truncate } from "./page.js";
import { activeAnnotation, indexAnnotation, state } from "./store.js";
import { api, failure, getJson, networkFailure } from "./api.js";
import { renderProgress, renderSentence } from "./render.js";
import { isDirty, readForm, setStatus } from "./form.js";
import { focusSelected, loadActive, renderPanel } from "./panel.js";
import { showConflict } from "./conflict.js";

const LIMIT = 5;
const DEBOUNCE_MS = 200; // j/k through sentences asks only for the one the reviewer stops at

const box = {
  section: $("seen-before"),
  linked: $("claim-linked"),
  status: $("claims-status"),
  list: $("claim-suggestions"),
  btnNew: $("btn-claim-new"),
};

const view = {
  query: null, // the query of the suggestions shown (or being fetched)
  suggestions: [], // [{claim, score}], best first
  highlight: 0,
  linkedKey: null, // "claim id@annotation version" the linked claim was fetched for
  linked: null, // that claim as GET /api/v1/claims/{id}/ returns it
  linkedError: "",
  copySources: false,
};
let timer = null;
let suggestionsRequest = null;
let linkedRequest = null;

const claimPage = (id) => data.urls.claim_page.replace("/0/", `/${id}/`);
const label = (value) => (statuses.get(value) || { label: value }).label;
const appearances = (count) => `${count} appearance${count === 1 ? "" : "s"}`;
const seen = (claim) => (claim.first_seen ? `first seen ${formatDate(claim.first_seen)}` : "no appearance yet");

// What to look for: the open annotation's span if it is part of the sentence, else the sentence.
function queryFor() {
  if (state.index === null) return null;
  const info = sentenceInfo(state.index);
  if (!info) return null;
  const span = activeAnnotation() || (state.active === "new" ? state.draft : null);
  const params = new URLSearchParams({ project: data.document.project, limit: LIMIT });
  if (span && span.start !== null && !isWhole(info, span)) params.set("text", quoteOf(info, span));
  else params.set("sentence", info.id);
  return params.toString();
}

function cancelSuggestions() {
  clearTimeout(timer);
  timer = null;
  suggestionsRequest?.abort();
  suggestionsRequest = null;
}

// A background read; an answer for a selection that has moved on is dropped.
function reason(error) {
  if (error.status === undefined) return failure("Could not load", networkFailure(error));
  return failure("Could not load", { status: error.status, payload: error.payload });
}

async function fetchSuggestions(query) {
  suggestionsRequest = new AbortController();
  const { signal } = suggestionsRequest;
  try {
    const body = await getJson(`${data.urls.claims_similar}?${query}`, { signal });
    if (query !== view.query) return;
    view.suggestions = body.results;
    view.highlight = 0;
    box.status.textContent = body.results.length ? "" : "No claim of this project seems to be repeated here.";
  } catch (error) {
    if (signal.aborted || query !== view.query) return;
    view.suggestions = [];
    box.status.textContent = `Suggestions unavailable. ${reason(error)}`;
  }
  renderSuggestions();
}

function refreshLinked() {
  const ann = activeAnnotation();
  const key = ann && ann.claim ? `${ann.claim}@${ann.version}` : null;
  if (key === view.linkedKey) return;
  view.linkedKey = key;
  linkedRequest?.abort();
  linkedRequest = null;
  view.linkedError = "";
  if (view.linked && (!ann || view.linked.id !== ann.claim)) view.linked = null;
  if (!key) return;
  linkedRequest = new AbortController();
  const { signal } = linkedRequest;
  getJson(`${data.urls.claims}${ann.claim}/`, { signal })
    .then((claim) => {
      view.linked = claim;
    })
    .catch((error) => {
      if (!signal.aborted) view.linkedError = reason(error);
    })
    .finally(() => {
      if (!signal.aborted && view.linkedKey === key) render();
    });
}

function renderLinked() {
  const ann = activeAnnotation();
  box.linked.hidden = !(ann && ann.claim);
  if (box.linked.hidden) return;
  const claim = view.linked && view.linked.id === ann.claim ? view.linked : null;
  const editable = canEdit(ann);
  const heading = el(
    "p",
    {},
    el("strong", { text: "Linked to claim " }),
    el("a", { href: claimPage(ann.claim), text: claim ? `“${truncate(claim.text, 160)}”` : `#${ann.claim}` }),
  );
  const meta = el("p", {
    class: "small claim-meta",
    text: claim
      ? `${statusSymbol(claim.verification_status)} ${label(claim.verification_status)} · ${appearances(claim.appearance_count)} · ${seen(claim)}`
      : view.linkedError || "Loading the claim…",
  });
  const actions = el("div", { class: "actions" });
  if (editable) {
    const checked = claim && VERIFIED.has(claim.verification_status);
    const copy = el("button", { type: "button", id: "btn-copy-verdict", class: "small" }, "Copy verdict ", el("kbd", { text: "C" }));
    copy.disabled = !checked;
    copy.title = checked ? "Copy the claim’s verdict and explanation into this annotation" : "The claim has no verdict yet.";
    const sources = el("input", { type: "checkbox", id: "f-copy-sources", checked: view.copySources });
    const unlinkButton = el("button", { type: "button", id: "btn-unlink-claim", class: "small", text: "Unlink" });
    actions.append(copy, el("label", { class: "small" }, sources, " with the sources of its other appearances"), unlinkButton);
  }
  box.linked.replaceChildren(heading, meta, actions);
}

function renderSuggestions() {
  const linkedId = activeAnnotation()?.claim ?? null;
  box.list.replaceChildren(
    ...view.suggestions.map(({ claim, score }, position) => {
      const highlighted = position === view.highlight;
      const action =
        claim.id === linkedId
          ? el("span", { class: "small linked-flag", text: "linked" })
          : el("button", { type: "button", class: "small link-claim", dataset: { claim: String(claim.id) } }, "Link", highlighted ? el("kbd", { text: "l" }) : null);
      const item = el(
        "li",
        { class: "claim-suggestion", dataset: { claim: String(claim.id), position: String(position) } },
        el("span", { class: "sym", text: statusSymbol(claim.verification_status), title: label(claim.verification_status) }),
        el(
          "div",
          { class: "claim-body" },
          el("a", { href: claimPage(claim.id), text: truncate(claim.text, 160) }),
          el("span", { class: "small claim-meta", text: `${label(claim.verification_status)} · ${appearances(claim.appearance_count)} · ${seen(claim)}` }),
        ),
        action,
      );
      item.setAttribute("aria-current", String(highlighted));
      item.title = `Match ${Math.round(score * 100)}%`;
      return item;
    }),
  );
}

function render() {
  box.section.hidden = state.index === null;
  if (box.section.hidden) return;
  const ann = activeAnnotation();
  box.btnNew.hidden = !(ann && canEdit(ann));
  renderLinked();
  renderSuggestions();
}

// The selection or the open annotation may have changed: follow it.
function follow({ force = false } = {}) {
  const query = queryFor();
  refreshLinked();
  if (force || query !== view.query) {
    cancelSuggestions();
    view.query = query;
    view.suggestions = [];
    view.highlight = 0;
    box.status.textContent = query ? "Looking for claims this may repeat…" : "";
    if (query) timer = setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
  }
  render();
}

export function moveHighlight(delta) {
  if (box.section.hidden || !view.suggestions.length) return;
  view.highlight = Math.min(Math.max(view.highlight + delta, 0), view.suggestions.length - 1);
  renderSuggestions();
  box.list.children[view.highlight]?.scrollIntoView({ block: "nearest" });
}

// The open annotation, if the user may change it now; else says why not and gives null.
function editableAnnotation(action) {
  const ann = activeAnnotation();
  let problem = "";
  if (!ann) problem = state.active === "new" ? "save the annotation first." : "open or add an annotation first (a).";
  else if (!canEdit(ann)) problem = `only ${ann.annotator.username} or a reviewer may change this annotation.`;
  else if (isDirty()) problem = "save or cancel your changes first.";
  if (problem) setStatus("error", `${action}: ${problem}`);
  return problem ? null : ann;
}

function apply(saved) {
  indexAnnotation(saved);
  renderSentence(saved.sentence_index);
  renderProgress();
  if (state.active === saved.id && !isDirty()) loadActive();
  renderPanel();
  follow({ force: true }); // appearance counts have changed
  document.dispatchEvent(new CustomEvent("workspace:saved", { detail: saved }));
}

async function changeAnnotation(action, request, done) {
  setStatus("saving", `${action}…`);
  const result = await request().catch((error) => networkFailure(error));
  if (result.ok) {
    apply(result.payload);
    setStatus("saved", done(result.payload));
    focusSelected();
  } else if (result.status === 412) {
    showConflict(readForm(), result.payload && result.payload.current);
  } else {
    setStatus("error", failure(`${action} failed`, result));
  }
}

function link(claimId) {
  const ann = editableAnnotation("Link");
  if (!ann) return;
  changeAnnotation(
    "Linking",
    () => api("PATCH", `${API}${ann.id}/`, { body: { claim: claimId }, version: ann.version }),
    () => `Linked to claim #${claimId}. Its verdict is not copied unless you ask (C).`,
  );
}

export function linkHighlighted() {
  if (box.section.hidden) return;
  const suggestion = view.suggestions[view.highlight];
  if (!suggestion) setStatus("error", "Link: no suggested claim to link to.");
  else link(suggestion.claim.id);
}

function unlink() {
  const ann = editableAnnotation("Unlink");
  if (!ann) return;
  changeAnnotation(
    "Unlinking",
    () => api("PATCH", `${API}${ann.id}/`, { body: { claim: null }, version: ann.version }),
    () => "Unlinked from the claim.",
  );
}

export function copyVerdict() {
  const ann = editableAnnotation("Copy verdict");
  if (!ann) return;
  if (!ann.claim) {
    setStatus("error", "Copy verdict: link the annotation to a claim first (l).");
    return;
  }
  changeAnnotation(
    "Copying the verdict",
    () => api("POST", `${API}${ann.id}/copy-claim-verdict/`, { body: { sources: view.copySources }, version: ann.version }),
    (saved) => `Verdict copied from claim #${ann.claim}: ${label(saved.verification_status)} (version ${saved.version}).`,
  );
}

// A claim in the annotation's words, with the annotation as its first appearance.
export async function newClaim() {
  if (box.section.hidden) return;
  const ann = editableAnnotation("New claim");
  if (!ann) return;
  setStatus("saving", "Making a new claim…");
  const body = { project: data.document.project, text: ann.quote.trim(), annotations: [ann.id] };
  const created = await api("POST", data.urls.claims, { body }).catch((error) => networkFailure(error));
  if (!created.ok) {
    setStatus("error", failure("New claim failed", created));
    return;
  }
  // Linking gave the annotation a new version: fetch it so the next save sends that one.
  const fresh = await api("GET", `${API}${ann.id}/`).catch((error) => networkFailure(error));
  if (fresh.ok) apply(fresh.payload);
  setStatus(fresh.ok ? "saved" : "error", fresh.ok ? `New claim #${created.payload.id} made from this annotation.` : failure("Claim made, but reloading the annotation failed", fresh));
}

function onClick(event) {
  const button = event.target.closest("button");
  if (button?.classList.contains("link-claim")) link(Number(button.dataset.claim));
  else if (button?.id === "btn-copy-verdict") copyVerdict();
  else if (button?.id === "btn-unlink-claim") unlink();
  else if (!event.target.closest("a")) {
    const item = event.target.closest(".claim-suggestion");
    if (item) {
      view.highlight = Number(item.dataset.position);
      renderSuggestions();
    }
  }
}

export function startClaims() {
  box.section.addEventListener("click", onClick);
  box.section.addEventListener("change", (event) => {
    if (event.target.id === "f-copy-sources") view.copySources = event.target.checked;
  });
  box.btnNew.addEventListener("click", newClaim);
  document.addEventListener("workspace:panel", () => follow());
  follow();
}
