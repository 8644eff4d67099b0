// Progress bars take their widths from data attributes: the Content-Security-Policy refuses
// inline style attributes, not styles set from a script.
function dansoBars(root) {
  root.querySelectorAll(".bar [data-width], .meter [data-width]").forEach(function (el) { el.style.width = el.dataset.width + "%"; });
  root.querySelectorAll(".bar [data-left]").forEach(function (el) { el.style.left = el.dataset.left + "%"; });
}
document.addEventListener("DOMContentLoaded", function () { dansoBars(document); });
document.addEventListener("htmx:afterSwap", function (e) { dansoBars(e.target); });
