// The user form's unit picker: a ticked search result moves to the chosen list, so a new
// search keeps it; unticking a chosen unit leaves it unsent.
document.addEventListener("change", (event) => {
  const box = event.target;
  const picker = box.closest("[data-unit-picker]");
  if (!picker || box.type !== "checkbox" || !box.closest(".unit-choices")) return;
  const chosen = picker.querySelector(".chosen-units");
  if (box.checked && !chosen.querySelector(`input[value="${CSS.escape(box.value)}"]`)) {
    chosen.querySelector(".none")?.remove();
    chosen.appendChild(box.closest("li"));
  }
});
