// The annotation workspace: keyboard-first sentence and span annotation over the REST API.
//
// The server renders every sentence; this module only attaches one delegated listener per
// event type and touches the sentences that carry annotations, so start-up cost grows with
// the number of annotations, not with the size of the document. All text from the server
// or from users is written with textContent, never as HTML.

const data = JSON.parse(document.getElementById("workspace-data").textContent);
const me = data.user;
const pageCsrfToken = document.querySelector('meta[name="csrf-token"]').content;
const API = data.urls.annotations;
const VERIFIED = new Set(data.verified_statuses);
const EDITOR_ROLES = new Set(["reviewer", "owner"]);

const claimTypes = new Map(data.claim_types.map((ct) => [ct.id, ct]));
const claimTypeByKey = new Map(data.claim_types.filter((ct) => ct.shortcut).map((ct) => [ct.shortcut, ct]));
const defaultClaimType = data.claim_types.find((ct) => ct.is_default) || data.claim_types[0];
const statuses = new Map(data.statuses.map((st) => [st.value, st]));

const $ = (id) => document.getElementById(id);
const doc = $("doc");
const ui = {
  panelTitle: $("panel-title"),
  hint: $("panel-hint"),
  list: $("ann-list"),
  btnNew: $("btn-new"),
  editor: $("editor"),
  editorTitle: $("editor-title"),
  editorMeta: $("editor-meta"),
  notice: $("remote-notice"),
  span: $("editor-span"),
  btnSpanUse: $("btn-span-use"),
  btnSpanWhole: $("btn-span-whole"),
  status: $("f-status"),
  rationale: $("f-rationale"),
  sources: $("sources"),
  btnAddSource: $("btn-add-source"),
  btnSave: $("btn-save"),
  btnCancel: $("btn-cancel"),
  btnDelete: $("btn-delete"),
  review: $("review"),
  reviewState: $("review-state"),
  reviewComment: $("f-review-comment"),
  btnApprove: $("btn-approve"),
  btnRequestChanges: $("btn-request-changes"),
  conflict: $("conflict"),
  conflictWho: $("conflict-who"),
  conflictRows: $("conflict-rows"),
  saveStatus: $("save-status"),
  progress: $("progress"),
  panel: $("panel"),
  liveStatus: $("live-status"),
  liveOffline: $("live-offline"),
  help: $("help"),
  signedOut: $("signed-out"),
};

// --- state -------------------------------------------------------------------------------

const annotations = new Map(); // id -> annotation as the API returns it
const bySentence = new Map(); // sentence index -> [annotation ids], in span order
const sentenceTexts = new Map(); // sentence index -> its text, kept before we add marks
const filters = new Set();
const pendingMarks = new Set(); // annotated sentences whose marks are not drawn yet

const state = {
  index: null, // selected sentence index
  active: null, // annotation id being edited, "new" for a draft, null for none
  draft: null, // {sentence, sentence_index, start, end} of a new annotation
  span: null, // {id, index, start, end}: the span in the form of the annotation being edited
  snapshot: "", // the form's values when loaded, to tell unsaved changes
  base: null, // the annotation as loaded into the form: its version goes with a save
  notice: null, // {for: annotation id or "new", text} about a change made by someone else
  busy: false,
  conflict: null, // {mine, current} while a 412 is shown
  signedOut: false, // an API call answered that the session has ended
};

// --- small helpers -----------------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

const codePoints = (text) => Array.from(text);
const sentenceEl = (index) => document.getElementById(`s-${index}`);
const sentenceCount = data.sentence_count;
const isMine = (ann) => ann.annotator && ann.annotator.id === me.id;
const canEdit = (ann) => EDITOR_ROLES.has(me.role) || isMine(ann);
const truncate = (text, n) => (codePoints(text).length > n ? codePoints(text).slice(0, n - 1).join("") + "…" : text);
const isHttpUrl = (url) => /^https?:\/\//i.test(url || "");

function sentenceInfo(index) {
  const node = sentenceEl(index);
  if (!node) return null;
  if (!sentenceTexts.has(index)) sentenceTexts.set(index, node.querySelector(".st").textContent);
  return {
    node,
    index,
    id: Number(node.dataset.id),
    start: Number(node.dataset.start),
    end: Number(node.dataset.end),
    text: sentenceTexts.get(index),
  };
}

function setStatus(kind, message) {
  ui.saveStatus.dataset.state = kind;
  ui.saveStatus.textContent = message;
}

function describeErrors(payload) {
  if (!payload) return "the server gave no reason.";
  if (typeof payload === "string") return payload;
  if (payload.detail) return String(payload.detail);
  const parts = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item && typeof item === "object") walk(item, path.concat(String(i + 1)));
        else parts.push(`${path.join(" ")}: ${item}`);
      });
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        walk(item, key === "non_field_errors" ? path : path.concat(key === "sources" ? "source" : key));
      }
    } else {
      parts.push(path.length ? `${path.join(" ")}: ${value}` : String(value));
    }
  };
  walk(payload, []);
  return parts.join("; ");
}

// Signing in again (in another tab) rotates the CSRF token: read the cookie on each call.
function csrfToken() {
  const match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : pageCsrfToken;
}

// 401 (or DRF's 403 without credentials, or a CSRF failure after signing in elsewhere)
// means the session ended; any other 403 is a real permission answer.
function isSignedOutAnswer({ status, payload }) {
  if (status === 401) return true;
  if (status !== 403) return false;
  return /credentials were not provided|CSRF Failed/i.test(String((payload && payload.detail) || ""));
}

async function api(method, url, { body, version } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (version !== undefined && version !== null) headers["If-Match"] = `"${version}"`;
  const response = await fetch(url, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  if (response.status !== 204) {
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
  }
  const result = { status: response.status, ok: response.ok, payload };
  if (isSignedOutAnswer(result)) setSignedOut(true);
  else if (result.ok) setSignedOut(false);
  return result;
}

// The session ended: say so with a sign-in link, keep the form as it is, and stop polling
// until a later call succeeds.
function setSignedOut(signedOut) {
  if (state.signedOut === signedOut) return;
  state.signedOut = signedOut;
  ui.signedOut.hidden = !signedOut;
  if (signedOut) {
    clearTimeout(live.timer);
    live.timer = null;
    setOffline(false);
  } else {
    live.failures = 0;
    scheduleLive();
  }
}

// The reason an API call failed, in words for the status line.
function failure(action, result) {
  if (isSignedOutAnswer(result)) return `${action}: you are signed out — sign in again, then retry; your edits are kept.`;
  return `${action}: ${describeErrors(result.payload)}`;
}

// --- annotations index and sentence marks ------------------------------------------------

function indexAnnotation(ann) {
  const previous = annotations.get(ann.id);
  if (previous && previous.sentence_index !== ann.sentence_index) unindexAnnotation(ann.id);
  annotations.set(ann.id, ann);
  const ids = bySentence.get(ann.sentence_index) || [];
  if (!ids.includes(ann.id)) ids.push(ann.id);
  ids.sort((a, b) => annotations.get(a).start - annotations.get(b).start || a - b);
  bySentence.set(ann.sentence_index, ids);
}

function unindexAnnotation(id) {
  const ann = annotations.get(id);
  if (!ann) return;
  annotations.delete(id);
  const ids = (bySentence.get(ann.sentence_index) || []).filter((other) => other !== id);
  if (ids.length) bySentence.set(ann.sentence_index, ids);
  else bySentence.delete(ann.sentence_index);
}

function annotationsOf(index) {
  return (bySentence.get(index) || []).map((id) => annotations.get(id));
}

function statusSymbol(value) {
  return (statuses.get(value) || { symbol: "?" }).symbol;
}

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
function renderSentence(index) {
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

function renderProgress() {
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

// --- the editor form ---------------------------------------------------------------------

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

function readForm() {
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

function fillForm(values) {
  for (const radio of ui.editor.querySelectorAll('input[name="claim_type"]')) {
    radio.checked = Number(radio.value) === values.claim_type;
  }
  ui.status.value = values.verification_status || "unverified";
  ui.rationale.value = values.rationale || "";
  ui.sources.replaceChildren(...(values.sources || []).map((s, i) => sourceRow(s, i + 1)));
}

function valuesOf(ann) {
  return {
    start: ann.start,
    end: ann.end,
    claim_type: ann.claim_type,
    verification_status: ann.verification_status,
    rationale: ann.rationale,
    sources: ann.sources.map((s) => ({ ...s })),
  };
}

function takeSnapshot() {
  state.snapshot = JSON.stringify(readForm());
}

function isDirty() {
  if (state.active === null) return false;
  if (state.active === "new") return true;
  return JSON.stringify(readForm()) !== state.snapshot;
}

function refreshDirty() {
  if (state.busy) return;
  if (isDirty()) setStatus("dirty", "Unsaved changes — Enter or Ctrl+S saves, Esc cancels.");
  else if (ui.saveStatus.dataset.state === "dirty") setStatus("", "");
}

function setEditable(editable) {
  const controls = "input, select, textarea, .remove-source, #btn-add-source, #btn-span-use, #btn-span-whole";
  for (const control of ui.editor.querySelectorAll(controls)) {
    if (control.closest("#review")) continue;
    control.disabled = !editable;
  }
  ui.btnSave.hidden = !editable;
  ui.btnDelete.hidden = !editable || state.active === "new";
}

// --- the panel ---------------------------------------------------------------------------

function renderList() {
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

function renderNotice() {
  const shown = state.notice !== null && state.notice.for === state.active;
  ui.notice.hidden = !shown;
  ui.notice.textContent = shown ? state.notice.text : "";
}

function renderPanel() {
  hideConflict();
  renderNotice();
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

const isWhole = (info, span) => span.start === null || (span.start === info.start && span.end === info.end);
const quoteOf = (info, span) => codePoints(info.text).slice(span.start - info.start, span.end - info.start).join("");

function spanNodes(info, span) {
  return isWhole(info, span) ? ["Whole sentence"] : ["Span: ", el("q", { text: quoteOf(info, span) })];
}

// The span chosen in the form for the annotation being edited, when it differs from the saved one.
function pendingSpan() {
  const span = state.span;
  if (!span || state.active !== span.id) return null;
  const ann = annotations.get(span.id);
  return ann && (ann.start !== span.start || ann.end !== span.end) ? span : null;
}

// Forget the form's span; redraw its sentence if it showed an unsaved one.
function clearSpan() {
  const pending = pendingSpan();
  state.span = null;
  if (pending) renderSentence(pending.index);
}

function formatDate(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function loadActive() {
  const ann = annotations.get(state.active);
  clearSpan();
  state.span = { id: ann.id, index: ann.sentence_index, start: ann.start, end: ann.end };
  state.base = ann;
  state.notice = null;
  fillForm(valuesOf(ann));
  takeSnapshot();
}

function confirmDiscard() {
  if (!isDirty()) return true;
  return window.confirm("You have unsaved changes to this annotation. Discard them?");
}

// Select a sentence (and optionally one of its annotations). Returns false if the user
// chose to keep unsaved changes.
function selectSentence(index, { annotation = undefined, focus = true, scroll = "nearest", force = false } = {}) {
  const info = sentenceInfo(index);
  if (!info || state.busy) return false; // a save in flight decides what the panel shows
  if (pendingMarks.has(index)) renderSentence(index);
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

function firstAnnotation(index) {
  const anns = annotationsOf(index);
  const mine = anns.find(isMine);
  return (mine || anns[0] || { id: null }).id;
}

function updateHash() {
  const hash = typeof state.active === "number" ? `#a-${state.active}` : `#s-${state.index}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function startDraft({ start = null, end = null, claimType = defaultClaimType?.id } = {}) {
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

function pickClaimType(ct) {
  if (state.index === null) return;
  const ann = typeof state.active === "number" ? annotations.get(state.active) : null;
  if (state.active === null || (ann && !canEdit(ann))) {
    startDraft({ claimType: ct.id });
    return;
  }
  const radio = ui.editor.querySelector(`input[name="claim_type"][value="${ct.id}"]`);
  radio.checked = true;
  refreshDirty();
}

function cancelEdits() {
  if (state.active === "new") {
    const index = state.draft?.sentence_index;
    state.draft = null;
    state.notice = null;
    state.active = firstAnnotation(state.index);
    if (typeof state.active === "number") loadActive();
    if (index !== undefined) renderSentence(index);
    renderPanel();
    updateHash();
    setStatus("", "New annotation discarded.");
  } else if (isDirty()) {
    loadActive();
    renderPanel();
    setStatus("", "Changes cancelled.");
  }
}

// --- saving ------------------------------------------------------------------------------

function missingClaimType(values) {
  if (values.claim_type) return false;
  setStatus("error", "Save failed: pick a claim type first (number keys 1–9).");
  return true;
}

async function save() {
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
  // by someone else then answers 412 and the user chooses (see live refresh below).
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
    result = { status: 0, ok: false, payload: { detail: `network error (${error.message}); your changes are kept, try again.` } };
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
    // Back to the text, so that j/k go on at once; a text area keeps its focus.
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost || (ui.editor.contains(focusedBefore) && focusedBefore.tagName !== "TEXTAREA")) {
      sentenceEl(state.index)?.focus({ preventScroll: true });
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

// --- conflicts ---------------------------------------------------------------------------

function describe(field, values) {
  if (!values) return "(deleted)";
  if (field === "claim_type") return (claimTypes.get(values.claim_type) || { name: "—" }).name;
  if (field === "verification_status") return (statuses.get(values.verification_status) || { label: "—" }).label;
  if (field === "rationale") return values.rationale || "—";
  if (field === "span") {
    const info = sentenceInfo(state.index);
    return !info || values.start === undefined || isWhole(info, values) ? "Whole sentence" : `“${quoteOf(info, values)}”`;
  }
  return values.sources.length
    ? values.sources.map((s) => `${s.stance}: ${s.url}${s.title ? ` (${s.title})` : ""}`).join("\n")
    : "—";
}

function showConflict(mine, current) {
  state.conflict = { mine, current };
  ui.conflictWho.textContent = current
    ? `The server has version ${current.version}, updated ${formatDate(current.updated_at)}. Your edit was based on an older version. Compare, then choose.`
    : "It was deleted meanwhile.";
  const theirs = current ? valuesOf(current) : null;
  const rows = [
    ["span", "Span"],
    ["claim_type", "Claim type"],
    ["verification_status", "Verification status"],
    ["rationale", "Rationale"],
    ["sources", "Sources"],
  ].map(([field, label]) => {
    const [a, b] = [describe(field, mine), describe(field, theirs)];
    return el("tr", { class: a === b ? "" : "differs" }, el("th", { scope: "row", text: label }), el("td", { text: a }), el("td", { text: b }));
  });
  ui.conflictRows.replaceChildren(...rows);
  ui.conflict.hidden = false;
  $("btn-reload-theirs").disabled = !current;
  $("btn-overwrite").disabled = !current;
  setStatus("error", "Not saved: someone else changed this annotation. Reload theirs or overwrite with yours.");
  $("btn-reload-theirs").focus();
}

function hideConflict() {
  state.conflict = null;
  ui.conflict.hidden = true;
}

function reloadTheirs() {
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
  sentenceEl(state.index)?.focus({ preventScroll: true });
}

async function overwrite() {
  const { mine, current } = state.conflict || {};
  if (!current) return;
  hideConflict();
  annotations.set(current.id, current);
  await send(mine, current.version);
}

// --- delete and review -------------------------------------------------------------------

async function remove() {
  if (typeof state.active !== "number") return;
  const ann = state.base || annotations.get(state.active);
  if (!canEdit(ann)) return;
  if (!window.confirm(`Delete this annotation (${(claimTypes.get(ann.claim_type) || {}).name}) and its sources?`)) return;
  setStatus("saving", "Deleting…");
  const result = await api("DELETE", `${API}${ann.id}/`, { version: ann.version }).catch((error) => ({
    ok: false,
    status: 0,
    payload: { detail: `network error (${error.message})` },
  }));
  if (result.ok || result.status === 404) {
    live.gone.add(ann.id);
    unindexAnnotation(ann.id);
    renderSentence(ann.sentence_index);
    renderProgress();
    state.active = firstAnnotation(state.index);
    if (typeof state.active === "number") loadActive();
    renderPanel();
    updateHash();
    setStatus("saved", "Annotation deleted.");
    sentenceEl(state.index)?.focus({ preventScroll: true });
  } else if (result.status === 412) {
    showConflict(readForm(), result.payload && result.payload.current);
  } else {
    setStatus("error", failure("Delete failed", result));
  }
}

async function review(decision) {
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
  }).catch((error) => ({ ok: false, status: 0, payload: { detail: `network error (${error.message})` } }));
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

// --- navigation --------------------------------------------------------------------------

// Whether the active filters show a sentence; decided from the data, like the CSS classes.
function isShown(index) {
  if (!filters.size) return index >= 0 && index < sentenceCount;
  const anns = annotationsOf(index);
  if (filters.has("claims") && !anns.length) return false;
  if (filters.has("unverified") && !anns.some((a) => !VERIFIED.has(a.verification_status))) return false;
  if (filters.has("mine") && !anns.some(isMine)) return false;
  return true;
}

function step(direction, predicate = isShown) {
  let index = state.index === null ? (direction > 0 ? -1 : sentenceCount) : state.index;
  for (index += direction; index >= 0 && index < sentenceCount; index += direction) {
    if (predicate(index)) return selectSentence(index);
  }
  setStatus("", direction > 0 ? "No further sentence." : "No earlier sentence.");
  return false;
}

const unannotated = (index) => !bySentence.has(index) && isShown(index);

function cycleAnnotation(direction) {
  const ids = bySentence.get(state.index) || [];
  if (!ids.length) return;
  const at = ids.indexOf(state.active);
  const next = ids[(at + direction + ids.length) % ids.length];
  selectSentence(state.index, { annotation: next });
}

function followHash() {
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

// --- mouse -------------------------------------------------------------------------------

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
function useSelectedText() {
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
function setSpan(span) {
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
function newAnnotation() {
  const span = spanFromSelection();
  if (span && !span.error && span.index === state.index && !span.whole) {
    window.getSelection().removeAllRanges();
    startDraft({ start: span.start, end: span.end });
  } else startDraft();
}

function onMouseUp(event) {
  if (event.button !== 0) return;
  const span = spanFromSelection();
  if (span && span.error) {
    setStatus("error", span.error);
    return;
  }
  if (span) {
    const ann = typeof state.active === "number" ? annotations.get(state.active) : null;
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

// --- keyboard ----------------------------------------------------------------------------

function isTextEntry(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  if (target.tagName !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(target.type);
}

function toggleHelp() {
  if (ui.help.open) ui.help.close();
  else ui.help.showModal();
}

function onKeyDown(event) {
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
    if (inPanel && state.index !== null) sentenceEl(state.index)?.focus({ preventScroll: true });
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
  };
  // Arrow keys keep their native meaning inside radio groups, selects and the panel.
  if ((key === "ArrowDown" || key === "ArrowUp") && !(doc.contains(target) || target === document.body)) return;
  let handler = handlers[key];
  if (!handler && claimTypeByKey.has(key)) handler = () => pickClaimType(claimTypeByKey.get(key));
  if (!handler) return;
  event.preventDefault();
  handler();
}

function addSource() {
  if (ui.btnAddSource.disabled) return;
  const row = sourceRow({ stance: "supports" }, ui.sources.children.length + 1);
  ui.sources.append(row);
  row.querySelector("input").focus();
  refreshDirty();
}

// --- live refresh ------------------------------------------------------------------------
//
// While the tab is visible, ask the API every few seconds what others changed or deleted
// on this document since the last server time seen, and merge it in. The cursor comes from
// the server (the page's `now`, then the newest `updated_at` / `deleted_at` seen) minus an
// overlap, so a skewed browser clock or a late commit loses nothing; versions de-duplicate
// what the overlap brings twice. Unsaved edits are never overwritten: the form keeps them
// and a notice says that saving will ask the user to choose (the existing 412 flow).

const LIVE_OVERLAP_MS = 15_000;
const LIVE_MAX_DELAY_MS = 5 * 60_000;

const live = {
  interval: Math.max(0, Number(data.live.interval) || 0) * 1000, // 0: live refresh off
  changedSince: Date.parse(data.live.now),
  deletedSince: Date.parse(data.live.now),
  timer: null,
  running: false,
  failures: 0,
  gone: new Set(), // ids known to be deleted: a list fetched before the deletion can't revive them
};

const clock = (iso) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
};
const sinceParam = (ms) => new Date(ms - LIVE_OVERLAP_MS).toISOString();
const samePath = (url) => {
  const parsed = new URL(url, location.href);
  return parsed.pathname + parsed.search;
};

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    error.payload = await response.json().catch(() => null);
    throw error;
  }
  return response.json();
}

// Annotations changed since the cursor (every page), then deletions: in this order, so an
// annotation deleted between the two requests is reported by the second.
async function fetchRemote() {
  const documentId = String(data.document.id);
  const changed = [];
  let url = `${API}?${new URLSearchParams({
    document: documentId,
    updated_since: sinceParam(live.changedSince),
    ordering: "updated_at",
    page_size: "1000",
  })}`;
  while (url) {
    const page = await getJson(url);
    changed.push(...page.results);
    url = page.next ? samePath(page.next) : null;
  }
  const deleted = await getJson(
    `${data.live.deleted_url}?${new URLSearchParams({ document: documentId, since: sinceParam(live.deletedSince) })}`,
  );
  return { changed, deleted };
}

function setOffline(offline) {
  ui.liveOffline.hidden = !offline;
}

function announce(notes) {
  const text = notes.length > 3 ? `${notes.length} changes by others.` : notes.join(" ");
  ui.liveStatus.textContent = `${clock(new Date().toISOString())} · ${text}`;
}

// Which control of the panel has focus, in terms that survive a redraw.
function panelFocus() {
  const active = document.activeElement;
  if (!active || !ui.panel.contains(active)) return null;
  if (active.dataset.annotation) return { annotation: active.dataset.annotation };
  const row = active.closest("#sources > li");
  if (row && active.dataset.field) return { row: [...ui.sources.children].indexOf(row), field: active.dataset.field };
  if (active.name === "claim_type") return { radio: active.value };
  return active.id ? { id: active.id } : null;
}

function restoreFocus(key) {
  if (!key || (document.activeElement && document.activeElement !== document.body)) return;
  let target;
  if (key.annotation) target = ui.list.querySelector(`button[data-annotation="${key.annotation}"]`);
  else if (key.row !== undefined) target = ui.sources.children[key.row]?.querySelector(`[data-field="${key.field}"]`);
  else if (key.radio) target = ui.editor.querySelector(`input[name="claim_type"][value="${key.radio}"]`);
  else target = document.getElementById(key.id);
  if (target && !target.disabled && !target.closest("[hidden]")) target.focus({ preventScroll: true });
  else if (state.index !== null) sentenceEl(state.index)?.focus({ preventScroll: true });
}

// The form's annotation was deleted while it had unsaved edits: keep them as a new draft.
function keepAsDraft(ann, message) {
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
  for (const row of ui.sources.children) delete row.dataset.id; // they went with it
  renderSentence(ann.sentence_index);
  renderProgress();
  renderPanel();
  updateHash();
}

async function lastEditor(id) {
  try {
    const result = await api("GET", `${API}${id}/history/`);
    const newest = result.ok && Array.isArray(result.payload) ? result.payload[0] : null;
    return newest && newest.user ? newest.user.username : null;
  } catch {
    return null;
  }
}

// Someone else changed the annotation whose unsaved edits are in the form: say so.
async function noticeChange(ann) {
  const who = await lastEditor(ann.id);
  const current = annotations.get(ann.id);
  if (state.active !== ann.id || !current || current.version !== ann.version) return;
  state.notice = {
    for: ann.id,
    text: `Changed by ${who || "someone else"} at ${clock(ann.updated_at)} — your save will ask you to choose.`,
  };
  renderNotice();
}

function applyActiveChange(event) {
  const unsaved = state.busy || state.conflict !== null || isDirty();
  if (event.kind === "deleted") {
    if (state.busy || state.conflict) return; // the pending answer (404) decides
    if (unsaved) {
      keepAsDraft(
        event.ann,
        `Deleted by ${event.by || "someone else"} at ${clock(event.at)} — your edits are kept as a new, unsaved annotation.`,
      );
      return;
    }
    state.active = firstAnnotation(state.index);
    state.base = null;
    if (typeof state.active === "number") loadActive();
    renderPanel();
    updateHash();
    return;
  }
  if (unsaved) {
    if (state.conflict) renderList();
    else renderPanel();
    noticeChange(event.ann);
    return;
  }
  loadActive();
  renderPanel();
}

// One short sentence for the live status line.
function describeRemoteChange(known, ann) {
  const where = `sentence ${ann.sentence_index + 1}`;
  if (!known) return `${ann.annotator.username} added an annotation to ${where}.`;
  const what = `${(claimTypes.get(ann.claim_type) || { name: "An annotation" }).name} on ${where}`;
  if (known.review_state !== ann.review_state) {
    const by = ann.reviewed_by ? ` by ${ann.reviewed_by.username}` : "";
    return `${what}: ${data.review_states[ann.review_state] || ann.review_state}${by}.`;
  }
  if (known.verification_status !== ann.verification_status) {
    return `${what} is now ${(statuses.get(ann.verification_status) || { label: ann.verification_status }).label}.`;
  }
  return `${what} changed.`;
}

function applyRemote({ changed, deleted }) {
  const notes = [];
  const touched = new Set();
  let activeEvent = null;
  for (const ann of changed) {
    live.changedSince = Math.max(live.changedSince, Date.parse(ann.updated_at) || 0);
    if (ann.document !== data.document.id || live.gone.has(ann.id)) continue;
    const known = annotations.get(ann.id);
    if (known && known.version >= ann.version) continue; // ours, or seen in the overlap
    if (known) touched.add(known.sentence_index);
    touched.add(ann.sentence_index);
    indexAnnotation(ann);
    if (ann.id === state.active) activeEvent = { kind: "changed", ann };
    notes.push(describeRemoteChange(known, ann));
  }
  for (const row of deleted) {
    live.deletedSince = Math.max(live.deletedSince, Date.parse(row.deleted_at) || 0);
    live.gone.add(row.id);
    const known = annotations.get(row.id);
    if (!known) continue;
    touched.add(known.sentence_index);
    if (row.id === state.active) activeEvent = { kind: "deleted", ann: known, by: row.deleted_by, at: row.deleted_at };
    unindexAnnotation(row.id);
    notes.push(`${row.deleted_by || "Someone"} deleted an annotation on sentence ${known.sentence_index + 1}.`);
  }
  if (!notes.length) return;
  const focus = panelFocus();
  for (const index of touched) renderSentence(index);
  renderProgress();
  if (activeEvent) applyActiveChange(activeEvent);
  else if (state.index !== null && touched.has(state.index)) {
    if (state.conflict || state.busy) renderList(); // leave the conflict or the pending save be
    else renderPanel();
  }
  restoreFocus(focus);
  announce(notes);
}

function scheduleLive() {
  clearTimeout(live.timer);
  live.timer = null;
  if (!live.interval || document.hidden || state.signedOut) return;
  const delay = Math.min(live.interval * 2 ** Math.min(live.failures, 10), Math.max(LIVE_MAX_DELAY_MS, live.interval));
  live.timer = setTimeout(pollLive, delay);
}

async function pollLive() {
  live.timer = null;
  if (live.running || document.hidden || state.signedOut) return;
  live.running = true;
  let remote = null;
  try {
    remote = await fetchRemote();
    live.failures = 0;
  } catch (error) {
    if (isSignedOutAnswer(error)) setSignedOut(true);
    else live.failures += 1; // quietly: the indicator shows, local edits stay where they are
  }
  try {
    setOffline(live.failures > 0);
    if (remote) applyRemote(remote);
  } finally {
    live.running = false;
    scheduleLive();
  }
}

function startLive() {
  if (!live.interval) return;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      clearTimeout(live.timer);
      live.timer = null;
    } else if (!live.running) pollLive(); // catch up at once
  });
  scheduleLive(); // the first check after one interval: nothing extra before the page is usable
}

// --- wiring ------------------------------------------------------------------------------

function wire() {
  doc.addEventListener("mouseup", onMouseUp);
  doc.addEventListener("focus", (event) => {
    if (state.index !== null && !doc.contains(event.relatedTarget)) sentenceEl(state.index)?.focus({ preventScroll: true });
  });
  document.addEventListener("keydown", onKeyDown);
  ui.editor.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  ui.editor.addEventListener("input", refreshDirty);
  ui.editor.addEventListener("change", refreshDirty);
  ui.editor.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-source");
    if (!button) return;
    button.closest("li").remove();
    renumberSources();
    ui.btnAddSource.focus();
    refreshDirty();
  });
  ui.list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-annotation]");
    if (button) selectSentence(state.index, { annotation: Number(button.dataset.annotation), focus: false, scroll: false });
  });
  ui.btnNew.addEventListener("click", newAnnotation);
  ui.btnSpanUse.addEventListener("click", useSelectedText);
  ui.btnSpanWhole.addEventListener("click", () => setSpan(null));
  // Pressing these buttons must not clear the selection they are about.
  for (const button of [ui.btnNew, ui.btnSpanUse]) button.addEventListener("mousedown", (event) => event.preventDefault());
  ui.btnAddSource.addEventListener("click", addSource);
  ui.btnCancel.addEventListener("click", cancelEdits);
  ui.btnDelete.addEventListener("click", remove);
  ui.btnApprove.addEventListener("click", () => review("approve"));
  ui.btnRequestChanges.addEventListener("click", () => review("request_changes"));
  $("btn-reload-theirs").addEventListener("click", reloadTheirs);
  $("btn-overwrite").addEventListener("click", overwrite);
  $("btn-help").addEventListener("click", toggleHelp);
  for (const box of document.querySelectorAll("[data-filter]")) {
    box.addEventListener("change", () => {
      const name = box.dataset.filter;
      if (box.checked) filters.add(name);
      else filters.delete(name);
      doc.classList.toggle(`only-${name}`, box.checked);
    });
  }
  window.addEventListener("hashchange", followHash);
  // The browser's own jump to #s-N comes after start-up; centre the sentence again.
  window.addEventListener("load", () => {
    if (state.index !== null) sentenceEl(state.index)?.scrollIntoView({ block: "center" });
  });
  window.addEventListener("beforeunload", (event) => {
    if (!isDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });
}

// Marks are drawn in slices so that a fully annotated 5,000-sentence document answers
// keys at once; sentences the user reaches first are drawn on demand.
const FIRST_SLICE = 300;
const SLICE = 250;

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

function init() {
  for (const ann of data.annotations) {
    annotations.set(ann.id, ann);
    const ids = bySentence.get(ann.sentence_index);
    if (ids) ids.push(ann.id);
    else bySentence.set(ann.sentence_index, [ann.id]);
  }
  for (const index of [...bySentence.keys()].sort((a, b) => a - b)) pendingMarks.add(index);
  renderProgress();
  wire();
  drawPending(FIRST_SLICE);
  followHash();
  document.body.dataset.ready = "1";
  performance.mark("workspace-ready");
  startLive();
}

init();
