// Behaviour every page shares, in a file: the Content-Security-Policy refuses inline scripts,
// inline style attributes and on…= handlers (styles set from a script are allowed).

// Progress bars take their widths from data attributes.
function dansoBars(root) {
  root.querySelectorAll(".bar [data-width], .meter [data-width]").forEach(function (el) { el.style.width = el.dataset.width + "%"; });
  root.querySelectorAll(".bar [data-left]").forEach(function (el) { el.style.left = el.dataset.left + "%"; });
}
document.addEventListener("DOMContentLoaded", function () { dansoBars(document); });
document.addEventListener("htmx:afterSwap", function (e) { dansoBars(e.target); });

// A form with data-confirm asks before it is sent (deleting an activity).
document.addEventListener("submit", function (e) {
  var question = e.target.dataset && e.target.dataset.confirm;
  if (question && !window.confirm(question)) e.preventDefault();
});

// A button with data-print prints the page (worklists).
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) window.print();
});
