// The annotation workspace: keyboard-first sentence and span annotation over the REST API.
//
// The entry module: it loads the page's annotations, attaches one delegated listener per
// event type, draws the marks and starts live refresh. The modules it pulls in, by concern:
//   page.js      the json_script data, the panel's elements, DOM and text helpers
//   api.js       fetch with CSRF and If-Match, error text, the signed-out state
//   store.js     annotations by id and by sentence; the selection and form state
//   render.js    marks, badges and highlights in the text; the progress line
//   form.js      the editor form (claim type, status, rationale, sources), unsaved changes
//   panel.js     selection, the panel and its list, drafts, the address
//   conflict.js  the side-by-side of a 412
//   save.js      save, reload theirs / overwrite, delete, review
//   navigate.js  filters, next / previous, #s-N and #a-N links
//   spans.js     mouse selections as spans, span editing
//   keyboard.js  shortcuts and the help dialog
//   live.js      live refresh of other reviewers' changes
//   assignment.js  the caller's assignment of the document and "Mark done"
//   claims.js    "Seen before": claims the sentence may repeat, linking, copying a verdict

import { data, doc, sentenceEl, ui } from "./page.js";
import { loadAnnotations, state } from "./store.js";
import { onSessionChange } from "./api.js";
import { drawAllMarks, renderProgress } from "./render.js";
import { addSource, isDirty, refreshDirty, removeSource } from "./form.js";
import { cancelEdits, focusSelected, selectSentence } from "./panel.js";
import { overwrite, reloadTheirs, remove, review, save } from "./save.js";
import { followHash, setFilter } from "./navigate.js";
import { newAnnotation, onMouseUp, setSpan, useSelectedText } from "./spans.js";
import { onKeyDown, toggleHelp } from "./keyboard.js";
import { startLive } from "./live.js";
import { startAssignment } from "./assignment.js";
import { startClaims } from "./claims.js";

function wire() {
  doc.addEventListener("mouseup", onMouseUp);
  doc.addEventListener("focus", (event) => {
    if (state.index !== null && !doc.contains(event.relatedTarget)) focusSelected();
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
    if (button) removeSource(button);
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
  ui.btnReloadTheirs.addEventListener("click", reloadTheirs);
  ui.btnOverwrite.addEventListener("click", overwrite);
  ui.btnHelp.addEventListener("click", toggleHelp);
  for (const box of document.querySelectorAll("[data-filter]")) {
    box.addEventListener("change", () => setFilter(box.dataset.filter, box.checked));
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
  // The session ended (or is back): say so with a sign-in link; the form keeps its edits.
  onSessionChange((signedOut) => {
    ui.signedOut.hidden = !signedOut;
  });
}

loadAnnotations(data.annotations);
renderProgress();
wire();
drawAllMarks();
startAssignment();
startClaims();
followHash();
document.body.dataset.ready = "1";
performance.mark("workspace-ready");
startLive();
