// The search client of the whole site, shared by the public map (mappa.js) and the PIT
// operator's console (punti_informazione/console.js): it asks the search API and lists its
// results the same way on both pages. The page gives it its words and the address of each
// kind of detail page as JSON (`messaggi-ricerca`, `schede-url`, from the template tag
// `dati_ricerca`). Plain JavaScript, no build step: it defines `window.Ricerca`.
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  var M = readJson("messaggi-ricerca");
  var SCHEDE = readJson("schede-url");
  var lang = document.documentElement.lang || "it";
  var km = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  var integer = new Intl.NumberFormat(lang);
  var day = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });
  var weekday = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long" });

  // Python-format placeholders, as the translated messages have them: "%(n)s risultati".
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // Resolves with {ok, status, body}; rejects only when no answer came at all.
  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      });
  }

  function countText(body) {
    var n = body.count;
    if (!body.count_esatto) { return fmt(M.risultati_almeno, { n: integer.format(n) }); }
    return n === 1 ? M.risultati_uno : fmt(M.risultati_molti, { n: integer.format(n) });
  }

  // What the answer says of the words of the text: the Comune (or the province) read
  // from its end, searched as the place (placeButton offers its name as a word
  // instead), or searched as a word because the rest of the text finds nothing there;
  // those the search did not look for, too common to say anything ("di", "per"), so
  // that a text of only such words, searched as no text, is no mystery; and those found
  // nowhere, which leave the search empty ("badante rumena"): the map offers to search
  // without them, or, for a word spelled right, with the nearest known word proposed
  // ("scuolabus": "scuola"). And when nothing is found today, the agreements that will
  // be valid from a later day.
  function wordsText(body) {
    function quoted(words) {
      return words.map(function (word) { return "«" + word + "»"; }).join(", ");
    }
    var notes = [];
    // The Comune read, or named but searched as a word (nothing there for the rest); or
    // the province ("provincia di Bergamo"), whose Comuni the answer does not list.
    ["luogo_dal_testo", "luogo_come_parole"].forEach(function (field) {
      var luogo = body[field];
      if (!luogo) { return; }
      if (luogo.provincia) {
        notes.push(fmt(M[field + "_provincia"], { provincia: luogo.provincia.nome, parole: luogo.parole }));
        return;
      }
      var homonyms = luogo.comuni.length > 1;
      var names = luogo.comuni.map(function (c) { return homonyms ? c.nome + " (" + c.sigla_provincia + ")" : c.nome; });
      notes.push(fmt(M[field], { comune: names.join(", "), parole: luogo.parole }));
    });
    // When the results must be open, read from the text ("aperto sabato").
    var aperto = body.aperto_dal_testo;
    if (aperto && aperto.adesso) {
      notes.push(fmt(M.aperto_dal_testo_adesso, { parole: aperto.parole }));
    } else if (aperto && !aperto.giorno) {
      notes.push(fmt(M.aperto_dal_testo_parte, { parte: M["parte_" + aperto.parte], parole: aperto.parole }));
    } else if (aperto) {
      var giorno = weekday.format(new Date(aperto.giorno + "T00:00:00"));
      if (aperto.parte) { giorno += ", " + M["parte_" + aperto.parte]; }
      notes.push(fmt(M.aperto_dal_testo, { giorno: giorno, parole: aperto.parole }));
    }
    var ignored = body.parole_ignorate || [];
    if (ignored.length) { notes.push(fmt(M.parole_ignorate, { parole: quoted(ignored) })); }
    var unmatched = body.parole_non_trovate || [];
    if (unmatched.length) { notes.push(fmt(M.parole_non_trovate, { parole: quoted(unmatched) })); }
    // For a word spelled right that no text holds, the nearest known word: proposed, not searched.
    var proposte = body.proposte || {};
    var proposed = Object.keys(proposte).map(function (word) { return proposte[word]; });
    if (proposed.length) { notes.push(fmt(M.forse_cercavi, { parole: quoted(proposed) })); }
    // Nothing today, where agreements would be found from a later day: how many, from when.
    var later = body.convenzioni_in_arrivo;
    if (later) {
      var from = day.format(new Date(later.dal + "T00:00:00"));
      var message = later.count === 1 ? M.convenzioni_in_arrivo_una : M.convenzioni_in_arrivo_molte;
      notes.push(fmt(message, { n: integer.format(later.count), dal: from }));
    }
    return notes.join(" ");
  }

  // The buttons that search what was read from the text as words of the text: the
  // Comune, for one named like something people look for ("Erba", "Mese"), or the
  // province; the words that said when it must be open. `onClick(field)` is told which
  // parameter to turn off (luogo_dal_testo, aperto_dal_testo).
  // The parameters of what the search reads from the text unless told false.
  var READ_FROM_TEXT = ["luogo_dal_testo", "aperto_dal_testo"];

  function asWordsButtons(body, onClick) {
    var buttons = [];
    function add(field, message, parole) {
      var button = el("button", { type: "button", class: "come-parola", text: fmt(message, { parole: parole }) });
      button.addEventListener("click", function () { onClick(field); });
      buttons.push(button);
    }
    var luogo = body.luogo_dal_testo;
    if (luogo) {
      add("luogo_dal_testo", luogo.provincia ? M.cerca_come_parola_provincia : M.cerca_come_parola, luogo.parole);
    }
    if (body.aperto_dal_testo) {
      add("aperto_dal_testo", M.cerca_come_parole_orario, body.aperto_dal_testo.parole);
    }
    return buttons;
  }

  // A 400 names the fields and the reasons: {field: [reasons]} as one line per field.
  function fieldErrors(body) {
    return Object.keys(body || {}).map(function (field) {
      return { field: field, reasons: [].concat(body[field]).join(" ") };
    });
  }

  // The page of a result: the API says it (`url`); before it did, the page named
  // `scheda-<tipo>` with its id. `da` ("lat,lon") carries the reader's starting point.
  function detailUrl(hit, da) {
    var url = hit.url || (SCHEDE[hit.tipo] ? SCHEDE[hit.tipo].replace("{id}", hit.id) : null);
    if (!url) { return null; }
    return da ? url + (url.indexOf("?") < 0 ? "?" : "&") + "da=" + da : url;
  }

  function agreementUrl(id) {
    return SCHEDE.convenzione ? SCHEDE.convenzione.replace("{id}", id) : null;
  }

  // The API's matched words come in <mark> (snippet, Ente, categories); everything else
  // is kept as plain text.
  function markedNodes(html) {
    var template = document.createElement("template");
    template.innerHTML = html || "";
    var nodes = [];
    template.content.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.tagName === "MARK") {
        nodes.push(el("mark", { text: node.textContent }));
      } else {
        nodes.push(document.createTextNode(node.textContent));
      }
    });
    return nodes;
  }

  function snippetNode(html) {
    return el("p", { class: "snippet" }, markedNodes(html));
  }

  // Why the text found it when its words are not in the snippet: in its categories'
  // names (its Ente's name is marked where it is shown).
  function categoriesNode(hit) {
    var names = hit.categorie_trovate || [];
    if (!names.length) { return null; }
    var nodes = [names.length === 1 ? M.trovato_categoria : M.trovato_categorie, " "];
    names.forEach(function (name, index) {
      if (index) { nodes.push(", "); }
      nodes = nodes.concat(markedNodes(name));
    });
    return el("p", { class: "trovato-in" }, nodes);
  }

  function agreementsNode(hit) {
    var agreements = hit.convenzioni_attive || [];
    if (!agreements.length) { return null; }
    var list = el("ul", { class: "convenzioni-risultato", "aria-label": M.convenzioni_per_te });
    agreements.forEach(function (c) {
      var url = agreementUrl(c.id);
      var title = url ? el("a", { href: url, text: c.titolo }) : document.createTextNode(c.titolo);
      list.appendChild(el("li", {}, [
        el("span", { class: "badge convenzione", text: M.convenzione_per_te }), " ", title,
        c.beneficio ? " – " + c.beneficio : "",
      ]));
    });
    return list;
  }

  // One result as both pages list it: number, title (linking to its page), kind and
  // provider, where and how far, the matched words, open now, agreements for the reader.
  function resultItem(hit, index, opts) {
    var url = detailUrl(hit, opts && opts.da);
    var title = url ? el("a", { href: url, text: hit.titolo }) : document.createTextNode(hit.titolo);
    var where = [];
    if (hit.comune) { where.push(hit.comune.nome); }
    if (hit.distanza_km !== null && hit.distanza_km !== undefined) {
      where.push(fmt(M.distanza, { km: km.format(hit.distanza_km) }));
    } else if (!hit.punto) {
      where.push(M.a_domicilio);
    }
    var badges = el("p", { class: "badges" });
    if (hit.aperto_ora === true) { badges.appendChild(el("span", { class: "badge aperto", text: M.aperto })); }
    if (hit.aperto_ora === false) { badges.appendChild(el("span", { class: "badge chiuso", text: M.chiuso })); }
    if (hit.demo) { badges.appendChild(el("span", { class: "demo-badge", text: M.demo })); }
    var agreements = agreementsNode(hit);
    var classes = "risultato tipo-" + hit.tipo + (agreements ? " con-convenzione" : "");
    var meta = [el("span", { class: "tipo tipo-" + hit.tipo, text: M["tipo_" + hit.tipo] || hit.tipo })];
    if (hit.ente) {
      meta.push(" · ");
      meta = meta.concat(hit.ente_evidenziato ? markedNodes(hit.ente_evidenziato) : [hit.ente.nome]);
    }
    var body = [
      el("h3", { class: "titolo" }, [title]),
      el("p", { class: "meta" }, meta),
      el("p", { class: "dove" }, [where.join(" · ")]),
      snippetNode(hit.snippet),
    ];
    var categories = categoriesNode(hit);
    if (categories) { body.push(categories); }
    body.push(badges);
    if (agreements) { body.push(agreements); }
    return el("li", { class: classes, "data-key": hit.tipo + ":" + hit.id, id: "risultato-" + hit.tipo + "-" + hit.id }, [
      el("span", { class: "numero", "aria-hidden": "true", text: String(index + 1) }),
      el("div", { class: "corpo" }, body),
    ]);
  }

  window.Ricerca = {
    M: M,
    readJson: readJson,
    fmt: fmt,
    el: el,
    getJson: getJson,
    countText: countText,
    wordsText: wordsText,
    asWordsButtons: asWordsButtons,
    READ_FROM_TEXT: READ_FROM_TEXT,
    fieldErrors: fieldErrors,
    detailUrl: detailUrl,
    resultItem: resultItem,
  };
})();
