// Saves each clause of the questionnaire on its own as the assessor works.
// Without this script every clause form still saves by a normal form post.
(function () {
  "use strict";

  const TYPING_DELAY_MS = 800;

  function setText(root, selector, text) {
    root.querySelectorAll(selector).forEach(function (node) { node.textContent = text; });
  }

  function showArea(area, overall) {
    document.querySelectorAll('[data-area-summary="' + area.code + '"]').forEach(function (node) {
      setText(node, "[data-level-label]", area.level_label);
      setText(node, "[data-completion]", String(area.completion));
      node.querySelectorAll("[data-completion-bar]").forEach(function (bar) {
        bar.value = area.completion;
        bar.textContent = area.completion + "%";
      });
    });
    setText(document, "[data-overall-level]", overall.level_label);
    setText(document, "[data-overall-completion]", String(overall.completion));
  }

  function attach(form) {
    const clause = form.closest("[data-clause]");
    const state = clause.querySelector("[data-save-state]");
    let timer = null;
    let saving = false;
    let again = false;

    function save(submitter) {
      if (form.dataset.unsaved && !submitter) { return; }
      if (saving) { again = true; return; }
      saving = true;
      state.textContent = state.dataset.saving || "…";
      const body = submitter ? new FormData(form, submitter) : new FormData(form);
      fetch(form.action, {
        method: "POST",
        body: body,
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        return response.json().then(function (data) { return [response.status, data]; });
      }).then(function ([status, data]) {
        if (status === 200) { saved(data); }
        else if (status === 409) { conflicted(data); }
        else { refused(data); }
      }).catch(function () {
        state.textContent = form.dataset.offline || "✗";
      }).finally(function () {
        saving = false;
        if (again) { again = false; save(); }
      });
    }

    function saved(data) {
      delete form.dataset.unsaved;
      form.querySelector("[data-conflict-slot]").innerHTML = "";
      clearErrors();
      if (data.clause_html) {
        clause.outerHTML = data.clause_html;
        const fresh = document.getElementById(clause.id);
        attach(fresh.querySelector("[data-clause-form]"));
        fresh.querySelector("[data-save-state]").textContent = "✓ " + data.saved_at;
      } else {
        form.querySelector('input[name$="-version"]').value = data.version;
        state.textContent = "✓ " + data.saved_at;
        const badge = clause.querySelector("[data-satisfied-badge]");
        badge.className = "badge " + (data.satisfied ? "text-bg-success" : "text-bg-light border");
        badge.textContent = data.satisfied ? badge.dataset.yes : badge.dataset.no;
      }
      showArea(data.area, data.overall);
    }

    function conflicted(data) {
      form.dataset.unsaved = "1";
      form.querySelector("[data-conflict-slot]").innerHTML = data.conflict_html;
      state.textContent = "⚠";
    }

    function clearErrors() {
      form.querySelectorAll(".is-invalid").forEach(function (n) { n.classList.remove("is-invalid"); });
      form.querySelectorAll("[data-error]").forEach(function (n) { n.remove(); });
    }

    function refused(data) {
      clearErrors();
      state.textContent = "✗";
      Object.entries(data.errors || {}).forEach(function ([field, errors]) {
        const input = form.querySelector('[name$="-' + field + '"]');
        const message = document.createElement("div");
        message.className = "invalid-feedback d-block";
        message.dataset.error = "1";
        message.setAttribute("role", "alert");
        message.textContent = errors.map(function (e) { return e.message; }).join(" ");
        if (input) {
          input.classList.add("is-invalid");
          input.closest(".mb-3, div").appendChild(message);
        } else {
          form.prepend(message);
        }
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      const submitter = event.submitter && event.submitter.name ? event.submitter : null;
      save(submitter);
    });
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "TEXTAREA" || event.target.type === "text") { return; }
      clearTimeout(timer);
      save();
    });
    form.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA" && event.target.type !== "text") { return; }
      clearTimeout(timer);
      timer = setTimeout(save, TYPING_DELAY_MS);
    });
    form.addEventListener("click", function (event) {
      if (event.target.matches("[data-reload]")) {
        event.preventDefault();
        window.location.reload();
      }
    });
  }

  document.querySelectorAll("[data-clause-form]").forEach(attach);
})();
