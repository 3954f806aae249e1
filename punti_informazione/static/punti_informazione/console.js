// The console's search: the public site's search client and result list (ricerca.js),
// plus "add to sheet", which posts to /api/v1/schede/<id>/voci/. The console's own words
// come from data- attributes (Italian or English, as the page). After an addition the page
// reloads with the same search (its state is in the page's query string).
(function () {
  "use strict";
  var R = window.Ricerca;
  var box = document.getElementById("ricerca");
  if (!box || !R) { return; }
  var form = document.getElementById("form-ricerca");
  var input = document.getElementById("q");
  var near = document.getElementById("vicino");
  var company = document.getElementById("con_convenzione_per");
  var list = document.getElementById("risultati");
  var status = document.getElementById("stato-ricerca");
  var placeBox = document.getElementById("luogo-testo");
  var msg = box.dataset;
  var canAdd = msg.modificabile === "true";
  var kinds = Array.prototype.slice.call(form.querySelectorAll("[name=tipo]"));

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // The console's state, as the page's query string keeps it.
  function state() {
    var params = new URLSearchParams();
    if (input.value.trim()) { params.set("q", input.value.trim()); }
    var chosen = kinds.filter(function (k) { return k.checked; }).map(function (k) { return k.value; });
    if (chosen.length && chosen.length < kinds.length) { params.set("tipo", chosen.join(",")); }
    if (company.value) { params.set("con_convenzione_per", company.value); }
    if (near && !near.checked) { params.set("vicino", "no"); }
    asWords.forEach(function (field) { params.set(field, "false"); });
    return params;
  }

  function restore(params) {
    input.value = params.get("q") || "";
    var tipi = params.has("tipo") ? params.get("tipo").split(",") : null;
    kinds.forEach(function (k) { k.checked = !tipi || tipi.indexOf(k.value) >= 0; });
    company.value = params.get("con_convenzione_per") || "";
    if (near) { near.checked = params.get("vicino") !== "no"; }
    asWords = R.READ_FROM_TEXT.filter(function (field) { return params.get(field) === "false"; });
  }

  // What was read from the text and is searched as words instead (the buttons of
  // R.asWordsButtons: the Comune named at its end, when it must be open), until the
  // text changes.
  var asWords = [];
  input.addEventListener("input", function () { asWords = []; });

  function start() {
    return near && near.checked ? near.dataset.lat + "," + near.dataset.lon : null;
  }

  function apiParams(params) {
    var api = new URLSearchParams(params);
    api.delete("vicino");
    api.set("per_pagina", "20");
    api.set("facette", "false");
    if (start()) {
      api.set("lat", near.dataset.lat);
      api.set("lon", near.dataset.lon);
    }
    return api;
  }

  function errorText(body) {
    if (!body) { return msg.msgErrore; }
    if (body.detail) { return body.detail; }
    return R.fieldErrors(body).map(function (e) { return e.reasons; }).join(" ");
  }

  function add(hit, button) {
    button.disabled = true;
    fetch(msg.vociUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ tipo: hit.tipo, oggetto_id: hit.id }),
    }).then(function (response) {
      if (response.ok) {
        button.textContent = msg.msgAggiunto;
        var query = state().toString();
        window.location.assign(window.location.pathname + (query ? "?" + query : ""));
        return;
      }
      button.disabled = false;
      response.json().catch(function () { return null; }).then(function (body) {
        status.textContent = errorText(body);
      });
    }, function () {
      button.disabled = false;
      status.textContent = msg.msgErrore;
    });
  }

  function render(body) {
    list.replaceChildren();
    var corrected = body.corretta ? " " + msg.msgCorretta + " «" + body.q + "»." : "";
    var words = R.wordsText(body);
    status.textContent = (words ? words + " " : "") + (body.count ? R.countText(body) + "." + corrected : msg.msgNessuno);
    var buttons = R.asWordsButtons(body, function (field) {
      if (asWords.indexOf(field) < 0) { asWords.push(field); }
      search();
    });
    placeBox.replaceChildren.apply(placeBox, buttons);
    placeBox.hidden = !buttons.length;
    var already = {};
    document.querySelectorAll(".pit-voce").forEach(function (li) {
      already[li.dataset.tipo + ":" + li.dataset.id] = true;
    });
    body.results.forEach(function (hit, index) {
      var item = R.resultItem(hit, index, { da: start() });
      if (canAdd) {
        var inSheet = already[hit.tipo + ":" + hit.id] === true;
        var button = R.el("button", {
          type: "button",
          class: "aggiungi",
          text: inSheet ? msg.msgAggiunto : msg.msgAggiungi,
          "aria-describedby": "titolo-" + hit.tipo + "-" + hit.id,
        });
        button.disabled = inSheet;
        item.querySelector("h3").id = "titolo-" + hit.tipo + "-" + hit.id;
        button.addEventListener("click", function () { add(hit, button); });
        item.querySelector(".corpo").appendChild(button);
      }
      list.appendChild(item);
    });
  }

  var seq = 0;
  function search() {
    var params = state();
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    status.textContent = R.M.caricamento;
    placeBox.hidden = true; // the last answer's, until this one says
    list.setAttribute("aria-busy", "true");
    var mine = ++seq;
    R.getJson(box.dataset.cercaUrl + "?" + apiParams(params).toString()).then(function (answer) {
      if (mine !== seq) { return; }
      list.removeAttribute("aria-busy");
      if (!answer.ok || !answer.body) {
        list.replaceChildren();
        status.textContent = errorText(answer.body);
        return;
      }
      render(answer.body);
    }, function () {
      if (mine !== seq) { return; }
      list.removeAttribute("aria-busy");
      status.textContent = msg.msgErrore;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });
  // At least one kind of result: unchecking the last one would mean "all" again.
  kinds.forEach(function (kind) {
    kind.addEventListener("change", function () {
      if (!kinds.some(function (k) { return k.checked; })) { kind.checked = true; }
    });
  });

  // A search in the page's address (after an addition) is run again; without one, the
  // form is left as it is (the operator may already be typing).
  var initial = new URLSearchParams(window.location.search);
  if (initial.toString()) {
    restore(initial);
    search();
  }
})();
