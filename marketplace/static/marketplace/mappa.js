// The map page: the search form, the results list and the map, all driven by the search
// API (/api/v1/cerca/, /cerca/mappa/, /cerca/suggerimenti/). The state of a search lives
// in the page's query string, with the API's own parameter names, so a link reproduces
// it; the server renders the form filled in from it, and this script runs the search.
// The districts and Comuni are drawn as the map's base layer, so that the map is useful
// where no tile server can be reached; the info points (PIT) have a layer of their own.
// The search client and the way a result is listed are the site's (ricerca.js), shared
// with the PIT console. Plain JavaScript, no build step.
(function () {
  "use strict";

  var R = window.Ricerca;
  var M = R.M;
  var fmt = R.fmt;
  var el = R.el;
  var getJson = R.getJson;

  var PALETTE = ["#1b6ca8", "#b5470f", "#2e7d32", "#7b1fa2", "#00838f", "#ad1457"];
  var RAGGI = [1, 2, 5, 10, 20, 50];
  var MAX_BBOX_DEGREES = 9.9; // the API refuses boxes over 10 degrees a side
  // Fields of the form that are the page's own, never sent to the search API.
  var UI_ONLY = ["partenza"];
  // Fields that make sense for the list but not for the map's clusters.
  var LIST_ONLY = ["pagina", "per_pagina", "ordinamento", "bbox"];
  // A field of the API -> the id of its control, where they differ.
  var CONTROL_ID = { lingua: "lingua-parlata", lon: "lat" };
  // Filters a "no results" answer offers to drop, in this order.
  var DROPPABLE = ["aperto_ora", "aperto_giorno", "aperto_parte", "gratuito", "accessibile", "lingua", "destinatari", "tipo_ente",
    "tipo", "comune", "ambito", "provincia", "categoria"];
  // Fields whose checkboxes make one comma-separated value, as the API takes them.
  var LISTS = ["categoria", "tipo"];
  var TIPI = ["servizio", "pit", "convenzione"];
  // A day picked, as the page says it (valueAsDate is midnight UTC: read in UTC).
  var DAY_FORMAT = { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" };

  function $(id) { return document.getElementById(id); }

  var CENTRI = R.readJson("centri-comuni");
  var form = $("ricerca");
  var container = $("mappa-territorio");
  var lang = document.documentElement.lang || "it";
  var degrees = new Intl.NumberFormat(lang, { maximumFractionDigits: 4 });

  // ------------------------------------------------------------------ the state

  function formParams() {
    var data = new FormData(form);
    var params = new URLSearchParams();
    data.forEach(function (value, key) {
      if (LISTS.indexOf(key) < 0 && String(value).trim() !== "") { params.set(key, String(value).trim()); }
    });
    LISTS.forEach(function (key) {
      var values = data.getAll(key).filter(Boolean);
      if (values.length) { params.set(key, values.join(",")); }
    });
    // Every kind of result is the API's default: a link says "tipo" only when it narrows.
    if (TIPI.every(function (tipo) { return (params.get("tipo") || "").split(",").indexOf(tipo) >= 0; })) {
      params.delete("tipo");
    }
    if (params.get("ordinamento") === "rilevanza") { params.delete("ordinamento"); }
    if (params.get("pagina") === "1") { params.delete("pagina"); }
    return params;
  }

  // The kinds of result asked for (all of them when the filter is not narrowed).
  function tipiOf(params) {
    return params.has("tipo") ? params.get("tipo").split(",") : TIPI.slice();
  }

  function hasPoint(params) { return params.has("lat") && params.has("lon"); }

  // What the search API is asked: the page's state without its own fields, and without
  // what needs a starting point when there is none (the page says so instead).
  function apiParams(params) {
    var api = new URLSearchParams(params);
    UI_ONLY.forEach(function (key) { api.delete(key); });
    if (!hasPoint(api)) {
      api.delete("raggio_km");
      if (api.get("ordinamento") === "distanza") { api.delete("ordinamento"); }
    }
    api.set("facette", "false");
    return api;
  }

  function updateUrl(params, push) {
    var query = params.toString();
    var url = location.pathname + (query ? "?" + query : "");
    if (url !== location.pathname + location.search) {
      history[push ? "pushState" : "replaceState"](null, "", url);
    }
    var next = $("lingua-next");
    if (next) { next.value = url; } // the language switch comes back to this same search
    // Choosing or forgetting one's company comes back to this search, without the old code.
    var kept = new URLSearchParams(params);
    kept.delete("con_convenzione_per");
    var back = location.pathname + (kept.toString() ? "?" + kept.toString() : "");
    document.querySelectorAll("[data-segue-ricerca]").forEach(function (node) {
      if (node.tagName === "A") {
        node.href = node.href.split("?")[0] + "?next=" + encodeURIComponent(back);
      } else {
        node.value = back;
      }
    });
  }

  // Back and forward: the server renders the form from the URL again.
  window.addEventListener("popstate", function () { location.reload(); });

  // ------------------------------------------------------------------ field errors

  function controlFor(field) {
    return $(CONTROL_ID[field] || field) || $("cat-" + field) || (field === "tipo" ? $("tipo-servizio") : null);
  }

  function labelOf(field) {
    if (field === "lat" || field === "lon") { return M.campo_posizione; }
    if (field === "categoria") { return form.querySelector(".categorie legend").textContent.trim(); }
    if (field === "tipo") { return form.querySelector(".tipi legend").textContent.trim(); }
    var control = controlFor(field);
    var label = control && document.querySelector("label[for='" + control.id + "']");
    return label ? label.textContent.trim() : field;
  }

  function clearErrors() {
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".errore-campo").forEach(function (node) { node.hidden = true; node.textContent = ""; });
    var box = $("errore-ricerca");
    box.hidden = true;
    box.textContent = "";
  }

  function showError(message, retry) {
    var box = $("errore-ricerca");
    box.textContent = "";
    box.appendChild(el("p", { text: message }));
    if (retry) {
      var again = el("button", { type: "button", text: M.riprova });
      again.addEventListener("click", function () { runSearch({ push: false, fit: false }); });
      box.appendChild(again);
    }
    box.hidden = false;
    $("stato-ricerca").textContent = "";
  }

  // A 400 from the API names the fields and the reasons: say them next to the controls.
  function showFieldErrors(body) {
    showError(M.errore_dati, false);
    var list = el("ul");
    Object.keys(body || {}).forEach(function (field) {
      var reasons = [].concat(body[field]).join(" ");
      list.appendChild(el("li", { text: labelOf(field) + ": " + reasons }));
      var control = controlFor(field);
      var slot = (control && $(control.id + "-errore")) || $(field + "-errore");
      if (control) { control.setAttribute("aria-invalid", "true"); }
      if (slot) { slot.textContent = reasons; slot.hidden = false; }
    });
    $("errore-ricerca").appendChild(list);
  }

  // ------------------------------------------------------------------ the search

  var seq = 0;
  var lastResults = [];
  var firstResultsShown = false;

  function runSearch(opts) {
    var params = formParams();
    updateUrl(params, opts.push);
    showPosition(params);
    showArea(params);
    var api = apiParams(params);
    clearErrors();
    $("luogo-testo").hidden = true; // the last answer's, until this one says
    $("stato-ricerca").textContent = M.caricamento;
    $("risultati").setAttribute("aria-busy", "true");
    var mine = ++seq;
    getJson(container.dataset.cercaUrl + "?" + api.toString()).then(function (answer) {
      if (mine !== seq) { return; }
      if (answer.status === 400) {
        showFieldErrors(answer.body);
        renderResults([], 0, true, api);
      } else if (!answer.ok || !answer.body) {
        showError(fmt(M.errore_server, { status: answer.status }), true);
      } else {
        renderAnswer(answer.body, api, opts);
      }
      done();
    }, function () {
      if (mine !== seq) { return; }
      showError(M.errore_rete, true);
      done();
    });
    refreshMap();
  }

  // Each answered search is counted on the list (tests wait on it; it costs nothing).
  function done() {
    var list = $("risultati");
    list.removeAttribute("aria-busy");
    list.dataset.completate = String((+list.dataset.completate || 0) + 1);
  }

  var countText = R.countText;

  function renderAnswer(body, api, opts) {
    var pages = Math.max(1, Math.ceil(body.count / body.per_pagina));
    var status = countText(body);
    if (pages > 1) { status += " · " + fmt(M.pagina, { p: body.pagina, tot: pages }); }
    if (body.corretta) { status = fmt(M.corretta, { digitata: api.get("q"), q: body.q }) + " " + status; }
    var words = R.wordsText(body);
    if (words) { status = words + " " + status; }
    $("stato-ricerca").textContent = status;
    wordsNotFound = body.parole_non_trovate || [];
    wordsIgnored = body.parole_ignorate || [];
    wordsProposed = body.proposte || {};
    showPlaceButton(body);
    renderResults(body.results, body.count, false, api);
    renderPages(body.pagina, pages);
    if (!firstResultsShown) {
      firstResultsShown = true;
      if (window.performance && performance.mark) { performance.mark("risultati-pronti"); }
    }
    if (opts.fit) { fitToResults(); }
  }

  // The Comune read from the end of the text, or the words that said when it must be
  // open, can be searched as words instead: until the text changes, the page then asks
  // for it so (luogo_dal_testo=false, aperto_dal_testo=false, kept in its URL).
  function showPlaceButton(body) {
    var box = $("luogo-testo");
    var buttons = R.asWordsButtons(body, function (field) {
      $(field).value = "false";
      $("pagina").value = "";
      runSearch({ push: true, fit: true });
    });
    box.replaceChildren.apply(box, buttons);
    box.hidden = !buttons.length;
  }

  // A new text: its Comune, and when it must be open, are read again.
  function readTextAgain() {
    R.READ_FROM_TEXT.forEach(function (field) { $(field).value = ""; });
  }

  // The reader's starting point, for the detail pages' distances and directions.
  function startOf(api) { return hasPoint(api) ? api.get("lat") + "," + api.get("lon") : null; }

  function resultItem(hit, index, api) {
    var key = hit.tipo + ":" + hit.id;
    var item = R.resultItem(hit, index, { da: startOf(api) });
    ["mouseenter", "focusin"].forEach(function (name) {
      item.addEventListener(name, function () { highlight(key, true); });
    });
    ["mouseleave", "focusout"].forEach(function (name) {
      item.addEventListener(name, function () { highlight(key, false); });
    });
    return item;
  }

  function renderResults(hits, count, failed, api) {
    lastResults = hits;
    var list = $("risultati");
    list.textContent = "";
    hits.forEach(function (hit, index) { list.appendChild(resultItem(hit, index, api)); });
    drawResultMarkers();
    var empty = $("nessun-risultato");
    empty.hidden = failed || count > 0;
    if (!failed && count === 0) { suggestWider(); }
    if (failed || count === 0) { $("pagine").hidden = true; }
  }

  function renderPages(page, pages) {
    $("pagine").hidden = pages <= 1;
    $("pagina-num").textContent = fmt(M.pagina, { p: page, tot: pages });
    $("pagina-prec").disabled = page <= 1;
    $("pagina-succ").disabled = page >= pages;
    $("pagina-prec").dataset.pagina = String(page - 1);
    $("pagina-succ").dataset.pagina = String(page + 1);
  }

  ["pagina-prec", "pagina-succ"].forEach(function (id) {
    $(id).addEventListener("click", function () {
      $("pagina").value = this.dataset.pagina;
      runSearch({ push: true, fit: true });
      $("titolo-risultati").focus();
    });
  });

  // ------------------------------------------------------------------ no results

  function filterLabel(key, params) {
    if (key === "categoria" || key === "tipo") {
      var prefix = key === "categoria" ? "cat-" : "tipo-";
      var names = params.get(key).split(",").map(function (codice) {
        var label = document.querySelector("label[for='" + prefix + codice + "']");
        return label ? label.textContent.trim() : codice;
      }).join(", ");
      return key === "tipo" ? labelOf(key) + ": " + names : names;
    }
    var control = controlFor(key);
    if (control && control.tagName === "SELECT" && control.selectedIndex >= 0) {
      return labelOf(key) + ": " + control.options[control.selectedIndex].text;
    }
    if (control && control.type === "date" && control.valueAsDate) {
      return labelOf(key) + " " + control.valueAsDate.toLocaleDateString(lang, DAY_FORMAT);
    }
    return labelOf(key);
  }

  // The words of the last answer's text found nowhere, and those too common to be
  // searched (folded, as the API says them).
  var wordsNotFound = [];
  var wordsIgnored = [];
  // Of the words found nowhere that are spelled right, the nearest known word of each.
  var wordsProposed = {};
  // At most this many words are offered to drop one by one, each with its count.
  var MAX_WORDS_TO_DROP = 4;

  function folded(token) {
    return token.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, "");
  }

  // The text with each token that folds to `word` replaced (by nothing: dropped).
  function withWordReplaced(text, word, replacement) {
    return text.split(/\s+/).map(function (token) { return folded(token) === word ? replacement : token; })
      .filter(Boolean).join(" ");
  }

  function withoutWord(text, word) { return withWordReplaced(text, word, ""); }

  // The words to offer to drop from a text that found nothing: those found nowhere; else,
  // when each word is found somewhere but not all together ("lingua italiana per
  // stranieri"), each searched word, so that the counts tell which one to leave out
  // rather than only the whole text.
  function wordsToDrop(text) {
    if (wordsNotFound.length) { return wordsNotFound; }
    var searched = [];
    text.split(/\s+/).map(folded).forEach(function (word) {
      if (word && wordsIgnored.indexOf(word) < 0 && searched.indexOf(word) < 0) { searched.push(word); }
    });
    return searched.length > 1 && searched.length <= MAX_WORDS_TO_DROP ? searched : [];
  }

  // The ways to widen a search that found nothing, each a change to the form.
  function widenings(params) {
    var list = [];
    if (hasPoint(params) && params.has("raggio_km")) {
      var current = parseFloat(params.get("raggio_km"));
      var wider = RAGGI.filter(function (r) { return r > current; })[0];
      list.push(wider
        ? { text: fmt(M.allarga_raggio, { km: wider }), apply: function () { $("raggio_km").value = String(wider); } }
        : { text: M.senza_raggio, apply: function () { $("raggio_km").value = ""; } });
    }
    if (params.has("bbox")) {
      list.push({ text: M.togli_area, apply: function () { $("bbox").value = ""; } });
    }
    DROPPABLE.forEach(function (key) {
      if (!params.has(key)) { return; }
      list.push({ text: fmt(M.togli_filtro, { filtro: filterLabel(key, params) }), apply: function () { clearField(key); } });
    });
    var filters = list.length;
    if (filters > 1) {
      list.push({
        text: M.togli_tutti,
        apply: function () {
          DROPPABLE.forEach(clearField);
          $("bbox").value = "";
          $("raggio_km").value = "";
        },
      });
    }
    if (params.has("q")) {
      Object.keys(wordsProposed).forEach(function (word) {
        var proposta = wordsProposed[word];
        var replaced = withWordReplaced(params.get("q"), word, proposta);
        if (replaced === params.get("q")) { return; }
        list.push({ text: fmt(M.prova_parola, { parola: word, proposta: proposta }), apply: function () { $("q").value = replaced; } });
      });
      wordsToDrop(params.get("q")).forEach(function (word) {
        var rest = withoutWord(params.get("q"), word);
        if (!rest || rest === params.get("q")) { return; }
        list.push({ text: fmt(M.togli_parola, { parola: word }), apply: function () { $("q").value = rest; } });
      });
      list.push({ text: fmt(M.togli_testo, { q: params.get("q") }), apply: function () { $("q").value = ""; } });
    }
    return list;
  }

  function clearField(key) {
    form.querySelectorAll("[name='" + key + "']").forEach(function (control) {
      // The kinds of result: not narrowed means all of them.
      if (control.type === "checkbox") { control.checked = key === "tipo"; } else { control.value = ""; }
    });
  }

  // Each suggestion says how many results it would give: one small count per filter.
  function suggestWider() {
    var box = $("allarga");
    box.textContent = "";
    var params = formParams();
    var options = widenings(params);
    if (!options.length) { box.appendChild(el("li", { text: M.nessun_allargamento })); return; }
    options.forEach(function (option) {
      var button = el("button", { type: "button", class: "allarga", text: option.text });
      button.addEventListener("click", function () {
        option.apply();
        $("pagina").value = "";
        runSearch({ push: true, fit: true });
      });
      box.appendChild(el("li", {}, [button]));
      var saved = snapshot();
      option.apply();
      var probe = apiParams(formParams());
      restore(saved);
      probe.set("per_pagina", "1");
      probe.delete("pagina");
      getJson(container.dataset.cercaUrl + "?" + probe.toString()).then(function (answer) {
        if (answer.ok && answer.body) {
          button.textContent = fmt(M.con_conteggio, { azione: option.text, n: countText(answer.body) });
        }
      }, function () { /* the suggestion stays without its count */ });
    });
  }

  function snapshot() {
    return Array.prototype.map.call(form.elements, function (control) {
      return [control, control.type === "checkbox" ? control.checked : control.value];
    });
  }

  function restore(saved) {
    saved.forEach(function (pair) {
      if (pair[0].type === "checkbox") { pair[0].checked = pair[1]; } else if ("value" in pair[0]) { pair[0].value = pair[1]; }
    });
  }

  // ------------------------------------------------------------------ where the user starts

  var positionLabel = null;

  function showPosition(params) {
    var box = $("posizione-stato");
    box.textContent = "";
    if (!hasPoint(params)) {
      var hints = [M.nessuna_posizione];
      if (params.has("raggio_km")) { hints.push(M.raggio_senza_punto); }
      if (params.get("ordinamento") === "distanza") { hints.push(M.distanza_senza_punto); }
      box.textContent = hints.join(" ");
      drawStart(null);
      return;
    }
    var label = positionLabel;
    if (!label) {
      var partenza = $("partenza");
      label = partenza.value
        ? partenza.options[partenza.selectedIndex].text
        : fmt(M.posizione_punto, { lat: degrees.format(+params.get("lat")), lon: degrees.format(+params.get("lon")) });
    }
    box.appendChild(document.createTextNode(fmt(M.posizione, { luogo: label }) + " "));
    var remove = el("button", { type: "button", class: "link", text: M.togli_posizione });
    remove.addEventListener("click", function () {
      setPosition(null);
      $("usa-posizione").focus();
    });
    box.appendChild(remove);
    drawStart([+params.get("lat"), +params.get("lon")], params.get("raggio_km"));
  }

  function setPosition(latlon, label) {
    $("lat").value = latlon ? latlon[0].toFixed(5) : "";
    $("lon").value = latlon ? latlon[1].toFixed(5) : "";
    positionLabel = label || null;
    if (!latlon) { $("partenza").value = ""; }
    $("pagina").value = "";
    runSearch({ push: true, fit: true });
  }

  $("partenza").addEventListener("change", function () {
    var centre = CENTRI[this.value];
    if (!centre) { setPosition(null); return; }
    setPosition(centre, this.options[this.selectedIndex].text);
  });

  $("usa-posizione").addEventListener("click", function () {
    var box = $("posizione-stato");
    if (!navigator.geolocation) { box.textContent = M.geo_non_disponibile; return; }
    box.textContent = M.geo_in_corso;
    navigator.geolocation.getCurrentPosition(function (position) {
      $("partenza").value = "";
      setPosition([position.coords.latitude, position.coords.longitude], M.posizione_tua);
    }, function (error) {
      box.textContent = error.code === 1 ? M.geo_negata : M.geo_errore;
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 });
  });

  function showArea(params) { $("area-attiva").hidden = !params.has("bbox"); }

  $("togli-area").addEventListener("click", function () {
    $("bbox").value = "";
    $("pagina").value = "";
    runSearch({ push: true, fit: true });
  });

  // ------------------------------------------------------------------ form events

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    closeSuggestions();
    $("pagina").value = "";
    runSearch({ push: true, fit: true });
  });

  // Filters apply as they change (a short pause lets several clicks make one search).
  var changeTimer = null;
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "q" || target.id === "partenza") { return; }
    if (target.name === "tipo") {
      // At least one kind of result: unchecking the last one would mean "all" again.
      if (!form.querySelector("[name=tipo]:checked")) {
        target.checked = true;
        $("stato-ricerca").textContent = M.almeno_un_tipo;
        return;
      }
      syncLayerToggle();
    }
    // Open now or open on a day: the API takes one, so picking one clears the other.
    if (target.id === "aperto_giorno") {
      // A value from the URL the control could not show gives way to the one picked.
      form.querySelectorAll("input[type=hidden][name=aperto_giorno]").forEach(function (node) { node.remove(); });
      if (target.value) { $("aperto_ora").checked = false; }
    }
    if (target.id === "aperto_parte" && target.value) { $("aperto_ora").checked = false; }
    if (target.id === "aperto_ora" && target.checked) {
      $("aperto_giorno").value = "";
      $("aperto_parte").value = "";
    }
    clearTimeout(changeTimer);
    changeTimer = setTimeout(function () {
      $("pagina").value = "";
      runSearch({ push: true, fit: true });
    }, 250);
  });

  // ------------------------------------------------------------------ type-ahead

  var q = $("q");
  var box = $("suggerimenti");
  var suggestions = [];
  var active = -1;
  var suggestTimer = null;
  var suggestSeq = 0;

  function closeSuggestions() {
    box.hidden = true;
    box.textContent = "";
    suggestions = [];
    active = -1;
    q.setAttribute("aria-expanded", "false");
    q.removeAttribute("aria-activedescendant");
  }

  function categoryName(codice, fallback) {
    var label = document.querySelector("label[for='cat-" + codice + "']");
    return label ? label.textContent.trim() : fallback;
  }

  function showSuggestions(items) {
    box.textContent = "";
    suggestions = items;
    active = -1;
    if (!items.length) { closeSuggestions(); return; }
    items.forEach(function (item, index) {
      var option = el("li", { role: "option", id: "suggerimento-" + index, "aria-selected": "false", class: "suggerimento" });
      if (item.tipo === "categoria") {
        option.appendChild(document.createTextNode(categoryName(item.codice, item.testo) + " "));
        option.appendChild(el("span", { class: "tipo-suggerimento", text: "· " + M.suggerimento_categoria }));
      } else {
        option.textContent = item.testo;
      }
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { pick(index); });
      box.appendChild(option);
    });
    box.hidden = false;
    q.setAttribute("aria-expanded", "true");
  }

  function move(index) {
    var options = box.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    active = (index + options.length) % options.length;
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
    q.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function pick(index) {
    var item = suggestions[index];
    if (!item) { return; }
    if (item.tipo === "categoria" && $("cat-" + item.codice)) {
      $("cat-" + item.codice).checked = true;
      q.value = "";
    } else {
      q.value = item.testo;
    }
    closeSuggestions();
    $("pagina").value = "";
    readTextAgain();
    runSearch({ push: true, fit: true });
  }

  q.addEventListener("input", function () {
    readTextAgain();
    clearTimeout(suggestTimer);
    var text = q.value.trim();
    if (text.length < 2) { closeSuggestions(); return; }
    suggestTimer = setTimeout(function () {
      var mine = ++suggestSeq;
      var url = container.dataset.suggerimentiUrl + "?" + new URLSearchParams({ q: text.slice(0, 100), limite: "8" });
      getJson(url).then(function (answer) {
        if (mine !== suggestSeq || document.activeElement !== q) { return; }
        showSuggestions(answer.ok && answer.body ? answer.body.suggerimenti : []);
      }, function () { closeSuggestions(); });
    }, 150);
  });

  q.addEventListener("keydown", function (event) {
    if (box.hidden) {
      if (event.key === "ArrowDown" && suggestions.length) { box.hidden = false; move(0); event.preventDefault(); }
      return;
    }
    if (event.key === "ArrowDown") { move(active + 1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { move(active - 1); event.preventDefault(); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(active); }
    else if (event.key === "Escape") { event.preventDefault(); closeSuggestions(); }
  });

  q.addEventListener("blur", function () { setTimeout(closeSuggestions, 100); });

  // ------------------------------------------------------------------ the map

  var map = null;
  var groupsLayer = null;
  var pitLayer = null;
  var resultsLayer = null;
  var startLayer = null;
  var markers = {}; // result key -> its numbered marker
  var programmatic = false;
  var mapSeq = 0;
  var mapShown = false;

  // Moves made by the page itself (no animation, so moveend fires before this returns)
  // do not offer "search this area".
  function moveMap(fn) {
    programmatic = true;
    try { fn(); } finally { programmatic = false; }
  }

  function boundsParam(bounds) {
    var centre = bounds.getCenter();
    var half = MAX_BBOX_DEGREES / 2;
    var west = Math.max(bounds.getWest(), centre.lng - half, -180);
    var east = Math.min(bounds.getEast(), centre.lng + half, 180);
    var south = Math.max(bounds.getSouth(), centre.lat - half, -90);
    var north = Math.min(bounds.getNorth(), centre.lat + half, 90);
    return [west, south, east, north].map(function (n) { return n.toFixed(5); }).join(",");
  }

  function highlight(key, on) {
    var marker = markers[key];
    if (marker && marker.getElement()) {
      marker.getElement().classList.toggle("attivo", on);
      marker.setZIndexOffset(on ? 1000 : 0);
    }
    var item = document.querySelector(".risultato[data-key='" + key + "']");
    if (item) { item.classList.toggle("attivo", on); }
  }

  function drawResultMarkers() {
    if (!map) { return; }
    resultsLayer.clearLayers();
    markers = {};
    lastResults.forEach(function (hit, index) {
      if (!hit.punto) { return; }
      var key = hit.tipo + ":" + hit.id;
      var marker = L.marker([hit.punto[1], hit.punto[0]], {
        pane: "risultati",
        keyboard: false, // the list is the keyboard's way through the results
        title: (index + 1) + ". " + hit.titolo,
        alt: hit.titolo,
        icon: L.divIcon({
          className: "segnaposto tipo-" + hit.tipo + ((hit.convenzioni_attive || []).length ? " con-convenzione" : ""),
          html: "<span>" + (index + 1) + "</span>",
          iconSize: [28, 28],
          iconAnchor: [14, 14],
        }),
      });
      marker.on("mouseover", function () { highlight(key, true); });
      marker.on("mouseout", function () { highlight(key, false); });
      marker.bindPopup(popupFor([hit]));
      marker.on("click", function () {
        var item = document.querySelector(".risultato[data-key='" + key + "']");
        if (item) { item.scrollIntoView({ block: "nearest" }); }
      });
      marker.addTo(resultsLayer);
      markers[key] = marker;
    });
    container.dataset.segnaposto = String(Object.keys(markers).length);
  }

  function fitToResults() {
    if (!map) { return; }
    var params = formParams();
    if (params.has("bbox")) { return; } // the user chose this area: keep it
    var points = Object.keys(markers).map(function (key) { return markers[key].getLatLng(); });
    if (hasPoint(params)) { points.push(L.latLng(+params.get("lat"), +params.get("lon"))); }
    if (!points.length) { return; }
    moveMap(function () {
      map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 14, animate: false });
    });
  }

  function drawStart(latlon, radiusKm) {
    if (!map) { return; }
    startLayer.clearLayers();
    if (!latlon) { return; }
    if (radiusKm) {
      L.circle(latlon, { radius: radiusKm * 1000, color: "#0b3d6b", weight: 1, dashArray: "4 4", fillOpacity: 0.05, interactive: false, pane: "partenza" }).addTo(startLayer);
    }
    L.circleMarker(latlon, { radius: 8, color: "#fff", weight: 3, fillColor: "#c62828", fillOpacity: 1, pane: "partenza", className: "partenza-marker" })
      .bindTooltip(M.tu_sei_qui).addTo(startLayer);
  }

  function popupFor(points) {
    var boxNode = el("div", { class: "popup-luogo" }, [el("strong", { text: M.luogo_servizi })]);
    var list = el("ul");
    var da = startOf(apiParams(formParams()));
    points.forEach(function (point) {
      var url = R.detailUrl(point, da);
      var kind = M["tipo_" + point.tipo] || point.tipo;
      list.appendChild(el("li", { class: "tipo-" + point.tipo }, [
        url ? el("a", { href: url, text: point.titolo }) : point.titolo, " (" + kind + ")",
      ]));
    });
    boxNode.appendChild(list);
    return boxNode;
  }

  // The distribution of every match: clusters computed by the server at low zoom, the
  // places themselves from zoom 14 (several services at one place make one dot).
  // A search and the map move it causes make one request, not two.
  var refreshTimer = null;
  function refreshMap() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshMapNow, 30);
  }

  // Two layers, two requests: the services and agreements (clusters in the site's blue,
  // places in yellow) and the info points, in their own style; each kind asked only when
  // the filter keeps it.
  function refreshMapNow() {
    if (!map) { return; }
    var params = apiParams(formParams());
    LIST_ONLY.forEach(function (key) { params.delete(key); });
    params.delete("facette");
    params.set("bbox", boundsParam(map.getBounds()));
    params.set("zoom", String(map.getZoom()));
    var tipi = tipiOf(params);
    var others = tipi.filter(function (tipo) { return tipo !== "pit"; });
    var mine = ++mapSeq;
    refreshLayer(params, others, groupsLayer, mine, function (body) {
      drawGroups(groupsLayer, body, "gruppo", "punto-marker");
      container.dataset.gruppi = String(body.clusters.length);
      container.dataset.punti = String(countPlaces(body));
      container.dataset.aggiornamenti = String((+container.dataset.aggiornamenti || 0) + 1);
      if (!mapShown) {
        mapShown = true;
        if (window.performance && performance.mark) { performance.mark("mappa-pronta"); }
      }
    });
    refreshLayer(params, tipi.indexOf("pit") >= 0 ? ["pit"] : [], pitLayer, mine, function (body) {
      drawGroups(pitLayer, body, "gruppo gruppo-pit", "pit-marker");
      container.dataset.pit = String(countPlaces(body) + body.clusters.reduce(function (n, c) { return n + c.count; }, 0));
      container.dataset.aggiornamentiPit = String((+container.dataset.aggiornamentiPit || 0) + 1);
    });
  }

  function refreshLayer(params, tipi, layer, mine, draw) {
    if (!tipi.length) {
      layer.clearLayers();
      layer.troncato = false;
      draw({ clusters: [], points: [] });
      return;
    }
    var layerParams = new URLSearchParams(params);
    layerParams.set("tipo", tipi.join(","));
    getJson(container.dataset.mappaUrl + "?" + layerParams.toString()).then(function (answer) {
      if (mine !== mapSeq) { return; }
      if (!answer.ok || !answer.body) {
        // A 400 is already explained next to the form by the list's search.
        if (answer.status !== 400) { $("stato-mappa").textContent = M.errore_mappa; }
        layer.clearLayers();
        return;
      }
      // Either layer may show only some of the view's places: then the map says so.
      layer.troncato = answer.body.punti_troncati === true;
      $("stato-mappa").textContent = groupsLayer.troncato || pitLayer.troncato ? M.punti_troncati : "";
      draw(answer.body);
    }, function () {
      if (mine === mapSeq) { $("stato-mappa").textContent = M.errore_mappa; }
    });
  }

  function placesOf(body) {
    var places = {};
    body.points.forEach(function (point) {
      var key = point.lon.toFixed(6) + "," + point.lat.toFixed(6);
      (places[key] = places[key] || []).push(point);
    });
    return places;
  }

  function countPlaces(body) { return Object.keys(placesOf(body)).length; }

  function drawGroups(layer, body, clusterClass, placeClass) {
    layer.clearLayers();
    body.clusters.forEach(function (cluster) {
      var size = Math.round(Math.min(56, 24 + 6 * Math.log(cluster.count + 1)));
      var marker = L.marker([cluster.centro[1], cluster.centro[0]], {
        pane: "gruppi",
        keyboard: false,
        title: fmt(clusterClass === "gruppo" ? M.gruppo : M.gruppo_pit, { n: cluster.count }),
        icon: L.divIcon({ className: clusterClass, html: "<span>" + cluster.count + "</span>", iconSize: [size, size] }),
      });
      marker.on("click", function () {
        var b = cluster.bounds;
        if (b[0] === b[2] && b[1] === b[3]) {
          map.setView([b[1], b[0]], Math.max(map.getZoom() + 2, 14));
        } else {
          map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30] });
        }
      });
      marker.addTo(layer);
    });
    var places = placesOf(body);
    Object.keys(places).forEach(function (key) {
      var here = places[key];
      var dot = placeClass === "pit-marker"
        ? L.marker([here[0].lat, here[0].lon], {
          pane: "gruppi", keyboard: false, title: here.map(function (p) { return p.titolo; }).join(", "),
          icon: L.divIcon({ className: "pit-marker", html: "<span>i</span>", iconSize: [20, 20] }),
        })
        : L.circleMarker([here[0].lat, here[0].lon], {
          pane: "gruppi", radius: 7, color: "#0b3d6b", weight: 2, fillColor: "#f4b400", fillOpacity: 0.95,
          className: placeClass, bubblingMouseEvents: false,
        });
      dot.bindPopup(popupFor(here));
      dot.on("mouseover", function () { here.forEach(function (p) { highlight(p.tipo + ":" + p.id, true); }); });
      dot.on("mouseout", function () { here.forEach(function (p) { highlight(p.tipo + ":" + p.id, false); }); });
      dot.addTo(layer);
    });
  }

  function drawBoundaries() {
    var colours = {};
    return Promise.all([getJson(container.dataset.ambitiUrl), getJson(container.dataset.comuniUrl)])
      .then(function (answers) {
        if (!answers[0].ok || !answers[1].ok) { throw new Error("boundaries"); }
        var ambiti = answers[0].body;
        var comuni = answers[1].body;
        ambiti.features.forEach(function (feature, index) { colours[feature.id] = PALETTE[index % PALETTE.length]; });
        var ambitiLayer = L.geoJSON(ambiti, {
          pane: "confini",
          className: "ambito-layer",
          style: function (feature) { return { color: colours[feature.id], weight: 3, fillOpacity: 0.08 }; },
          onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.nome, { sticky: true }); },
        }).addTo(map);
        var comuniLayer = L.geoJSON(comuni, {
          pane: "confini",
          className: "comune-layer",
          style: function (feature) {
            return { color: colours[feature.properties.ambiti[0]] || "#555", weight: 1, fillOpacity: 0, dashArray: "3 3" };
          },
          onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.nome, { sticky: true }); },
        }).addTo(map);
        map.getContainer().dataset.ambiti = String(ambitiLayer.getLayers().length);
        map.getContainer().dataset.comuni = String(comuniLayer.getLayers().length);
        return ambitiLayer.getBounds();
      });
  }

  function initialView(params) {
    if (params.has("bbox")) {
      var b = params.get("bbox").split(",").map(Number);
      if (b.length === 4 && b.every(isFinite)) {
        moveMap(function () { map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { animate: false }); });
        return true;
      }
    }
    if (hasPoint(params)) {
      var centre = L.latLng(+params.get("lat"), +params.get("lon"));
      moveMap(function () {
        if (params.has("raggio_km")) {
          map.fitBounds(centre.toBounds(+params.get("raggio_km") * 2000), { animate: false });
        } else {
          map.setView(centre, 13, { animate: false });
        }
      });
      return true;
    }
    return false;
  }

  window.mappaInit = function (leafletMap) {
    map = leafletMap;
    var node = map.getContainer();
    node.setAttribute("role", "region");
    node.setAttribute("aria-label", M.mappa_etichetta);
    [["confini", 450], ["gruppi", 610], ["partenza", 620], ["risultati", 640]].forEach(function (pane) {
      map.createPane(pane[0]);
      map.getPane(pane[0]).style.zIndex = pane[1];
    });
    groupsLayer = L.layerGroup().addTo(map);
    pitLayer = L.layerGroup().addTo(map);
    resultsLayer = L.layerGroup().addTo(map);
    startLayer = L.layerGroup().addTo(map);
    var params = formParams();
    var placed = initialView(params);
    showPosition(params);
    drawResultMarkers();

    drawBoundaries().then(function (bounds) {
      if (!placed && bounds.isValid()) {
        moveMap(function () { map.fitBounds(bounds, { padding: [12, 12], animate: false }); });
      }
    }).catch(function () {
      $("stato-mappa").textContent = M.errore_confini;
    });

    map.on("moveend", function () {
      if (!programmatic) { $("cerca-qui").hidden = false; }
      refreshMap();
    });
    // A click that only closes a popup does not move the starting point.
    var popupOpen = false;
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () { setTimeout(function () { popupOpen = false; }, 0); });
    map.on("click", function (event) {
      if (popupOpen) { return; }
      $("partenza").value = "";
      setPosition([event.latlng.lat, event.latlng.lng], M.posizione_mappa);
    });
    refreshMap();
  };

  $("cerca-qui").addEventListener("click", function () {
    if (!map) { return; }
    $("bbox").value = boundsParam(map.getBounds());
    $("pagina").value = "";
    this.hidden = true;
    runSearch({ push: true, fit: false });
  });

  // The legend's switch of the info points' layer is the "PIT" kind of the filter.
  var layerToggle = $("mostra-pit");
  function syncLayerToggle() {
    if (layerToggle) { layerToggle.checked = $("tipo-pit").checked; }
  }
  if (layerToggle) {
    layerToggle.addEventListener("change", function () {
      var pit = $("tipo-pit");
      pit.checked = layerToggle.checked;
      pit.dispatchEvent(new Event("change", { bubbles: true }));
      syncLayerToggle(); // refused when it was the only kind left
    });
    syncLayerToggle();
  }

  // The first search, for the state the page was opened with.
  runSearch({ push: false, fit: false });
})();
