// Moved out of the template so that the Content-Security-Policy allows no inline script.
(function () {
  var groups = {
    person: ["person"], spouse: ["spouse", "spouse_elsewhere"], mother: ["mother"], place: ["place"],
    new_person: ["full_name", "sex", "date_of_birth", "relationship", "ethnicity", "education", "marital_status", "residence_kind", "citizen_id", "subject_code", "prior_live_births"],
    newborn_person: ["full_name", "sex", "date_of_birth", "relationship", "ethnicity"],
    delivery: ["delivery_place"],
    arrival: ["arrived_on", "intends_to_stay"], origin: ["origin"], destination: ["destination"],
    to_household: ["to_household"], birth_order: ["birth_order"], method: ["method"],
    living_children: ["living_children"], outcome: ["outcome"], consanguineous: ["is_consanguineous"],
    change: ["change_field", "new_value"],
    newborn: ["result_hypothyroidism", "result_g6pd", "result_cah", "result_deafness", "result_heart"],
    prenatal: ["result_down", "result_edwards", "result_patau", "result_thalassemia"]
  };
  var kinds = JSON.parse(document.getElementById("kind-fields").textContent);
  var select = document.getElementById("id_kind");
  function show() {
    var visible = {kind: true, occurred_on: true};
    (kinds[select.value] || []).forEach(function (g) { (groups[g] || []).forEach(function (f) { visible[f] = true; }); });
    document.querySelectorAll("#change-form .field").forEach(function (div) {
      div.hidden = !visible[div.dataset.field];
    });
  }
  select.addEventListener("change", show);
  show();
})();
