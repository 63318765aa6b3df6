// factsift pages: show why a passage is highlighted, and say "Analysing…" while the form is sent.
// Served from /static (the Content-Security-Policy allows no inline script).
"use strict";

function showExplanation(mark) {
  const panel = document.getElementById("explain");
  if (!panel) return false;
  const body = panel.querySelector(".explain-body");
  body.replaceChildren();
  for (const id of (mark.dataset.marks || "").split(" ")) {
    const note = id && document.getElementById(id);
    if (note) {
      const copy = note.cloneNode(true);
      copy.removeAttribute("id");
      body.appendChild(copy);
    }
  }
  document.querySelectorAll(".hl.active").forEach((el) => el.classList.remove("active"));
  mark.classList.add("active");
  panel.hidden = false;
  return true;
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  if (target.closest(".explain-close")) {
    document.getElementById("explain").hidden = true;
    document.querySelectorAll(".hl.active").forEach((el) => el.classList.remove("active"));
    return;
  }
  const mark = target.closest("a.hl[data-marks]");
  if (mark && showExplanation(mark)) event.preventDefault();
});

document.addEventListener("keydown", (event) => {
  const panel = document.getElementById("explain");
  if (event.key === "Escape" && panel) panel.hidden = true;
});

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("analyse-form");
  if (!form) return;
  form.addEventListener("submit", () => {
    const button = document.getElementById("analyse-button");
    if (button) {
      button.disabled = true;
      button.textContent = "Analysing…";
    }
  });
});
