// What the page gives the workspace: the json_script data, the panel's elements, lookups
// of claim types and statuses, and small DOM and text helpers. Every other module reads
// these; this one reads nothing but the page.
//
// All text from the server or from users is written with textContent, never as HTML.

export const data = JSON.parse(document.getElementById("workspace-data").textContent);
export const me = data.user;
export const API = data.urls.annotations;
export const VERIFIED = new Set(data.verified_statuses);
const EDITOR_ROLES = new Set(["reviewer", "owner"]);

export const claimTypes = new Map(data.claim_types.map((ct) => [ct.id, ct]));
export const claimTypeByKey = new Map(data.claim_types.filter((ct) => ct.shortcut).map((ct) => [ct.shortcut, ct]));
export const defaultClaimType = data.claim_types.find((ct) => ct.is_default) || data.claim_types[0];
export const statuses = new Map(data.statuses.map((st) => [st.value, st]));
export const sentenceCount = data.sentence_count;

export const $ = (id) => document.getElementById(id);
export const doc = $("doc");
export const ui = {
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
  btnReloadTheirs: $("btn-reload-theirs"),
  btnOverwrite: $("btn-overwrite"),
  saveStatus: $("save-status"),
  progress: $("progress"),
  panel: $("panel"),
  liveStatus: $("live-status"),
  liveOffline: $("live-offline"),
  help: $("help"),
  btnHelp: $("btn-help"),
  signedOut: $("signed-out"),
};

export function el(tag, props = {}, ...children) {
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

export const codePoints = (text) => Array.from(text);
export const sentenceEl = (index) => document.getElementById(`s-${index}`);
export const isMine = (ann) => ann.annotator && ann.annotator.id === me.id;
export const canEdit = (ann) => EDITOR_ROLES.has(me.role) || isMine(ann);
export const truncate = (text, n) =>
  codePoints(text).length > n ? codePoints(text).slice(0, n - 1).join("") + "…" : text;
export const isHttpUrl = (url) => /^https?:\/\//i.test(url || "");
export const statusSymbol = (value) => (statuses.get(value) || { symbol: "?" }).symbol;

// A sentence's text as the server rendered it, kept before marks split it into pieces.
const sentenceTexts = new Map();

export function sentenceInfo(index) {
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

// Spans are document offsets in code points; start null (a draft's) is the whole sentence.
export const isWhole = (info, span) => span.start === null || (span.start === info.start && span.end === info.end);
export const quoteOf = (info, span) => codePoints(info.text).slice(span.start - info.start, span.end - info.start).join("");

export function formatDate(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function clock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
