// Offline capture on a phone (docs/fieldwork.md). On every page: sign-out clears what the
// phone kept (IndexedDB "danso-offline", the service worker's cache). On the offline slip
// page (#offline): the village's households and persons are kept in IndexedDB, changes are
// queued there with a key, the day they happened and the time they were recorded, sent when
// the network returns, and shown as queued / sent / accepted / sent back / conflict.
"use strict";

var DansoOffline = (function () {
  var DB = "danso-offline";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore("meta", {keyPath: "k"});
        db.createObjectStore("villages", {keyPath: "village"});
        db.createObjectStore("queue", {keyPath: "key"});
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var result = work(t.objectStore(store));
        t.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function get(store, key) { return tx(store, "readonly", function (s) { return s.get(key); }); }
  function put(store, value) { return tx(store, "readwrite", function (s) { s.put(value); }); }
  function all(store) { return tx(store, "readonly", function (s) { return s.getAll(); }); }

  function clear() {
    // Deleting waits for open connections; each helper above closes its own.
    return new Promise(function (resolve) {
      var req = indexedDB.deleteDatabase(DB);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    }).then(function () {
      if (!window.caches) return null;
      return caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf("danso-") === 0; }).map(function (n) { return caches.delete(n); }));
      });
    });
  }

  return {open: open, get: get, put: put, all: all, clear: clear};
})();

// Sign-out: what was not sent yet would be lost with the phone's database; ask first.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (!form.matches || !form.matches("form[action$='/dang-xuat/']") || form.dataset.cleared) return;
  e.preventDefault();
  DansoOffline.all("queue").catch(function () { return []; }).then(function (items) {
    var unsent = items.filter(function (i) { return i.status === "queued" || i.status === "sent"; });
    var question = document.querySelector("meta[name=danso-unsent]");
    if (unsent.length && question && !window.confirm(question.content)) return null;
    return DansoOffline.clear().then(function () { form.dataset.cleared = "1"; form.submit(); });
  });
}, true);

(function () {
  var root = document.getElementById("offline");
  if (!root) return;
  var msg = root.dataset;
  var village = root.dataset.village;
  var data = null;
  var syncing = false;

  // The phone's data belongs to one user: another user's is cleared before anything else.
  var ready = DansoOffline.get("meta", "user").then(function (owner) {
    if (owner && owner.v !== root.dataset.user) return DansoOffline.clear();
    return null;
  }).then(function () {
    return DansoOffline.put("meta", {k: "user", v: root.dataset.user});
  }).then(function () {
    return DansoOffline.get("meta", "device");
  }).then(function (device) {
    if (device) return device.v;
    var id = newKey();
    return DansoOffline.put("meta", {k: "device", v: id}).then(function () { return id; });
  });

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // ---- the network badge and the village's data
  function showNetwork() {
    var net = document.getElementById("net");
    net.textContent = navigator.onLine ? msg.msgOnline : msg.msgOffline;
    net.className = "tag " + (navigator.onLine ? "ok" : "warn");
  }

  function showData() {
    var status = document.getElementById("data-status");
    if (!data) { status.textContent = msg.msgNodata; return; }
    var at = new Date(data.downloaded_at);
    status.textContent = msg.msgDownloaded + " " + day(at) + " " + at.toTimeString().slice(0, 5)
      + " · " + data.households.length + " " + msg.msgHouseholds + ", " + data.persons.length + " " + msg.msgPersons;
    fillPeople();
  }

  function day(d) {
    return ("0" + d.getDate()).slice(-2) + "/" + ("0" + (d.getMonth() + 1)).slice(-2) + "/" + d.getFullYear();
  }

  function household(id) {
    return data.households.filter(function (h) { return h.id === id; })[0] || {number: "?"};
  }

  function person(id) {
    return data.persons.filter(function (p) { return p.id === Number(id); })[0];
  }

  function label(p) {
    return p.full_name + " (" + p.date_of_birth.slice(0, 4) + ") · " + household(p.household).number;
  }

  function fillPeople() {
    var personSelect = document.getElementById("o-person");
    var motherSelect = document.getElementById("o-mother");
    [personSelect, motherSelect].forEach(function (s) { s.textContent = ""; s.appendChild(el("option", {value: ""}, "")); });
    data.persons.forEach(function (p) {
      personSelect.appendChild(el("option", {value: p.id}, label(p)));
      if (p.sex === "2") motherSelect.appendChild(el("option", {value: p.id}, label(p)));
    });
  }

  function download() {
    if (!navigator.onLine) return Promise.resolve();
    return fetch(root.dataset.apiVillage, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) {
        if (r.status === 401 || r.status === 403) throw new Error(msg.msgSignin);
        if (!r.ok) throw new Error(r.statusText);
        return r.json();
      })
      .then(function (fresh) { data = fresh; return DansoOffline.put("villages", fresh); })
      .then(showData)
      .catch(function (err) { document.getElementById("data-status").textContent = err.message; });
  }

  // ---- the form: the fields each kind needs
  var FIELDS = {
    birth: ["mother", "child"], death: ["person"], method_start: ["person", "method"],
    method_stop: ["person"], method_resupply: ["person", "method"], pregnancy: ["person", "outcome"],
    elderly_check: ["person"]
  };
  var form = document.getElementById("offline-form");
  var kind = document.getElementById("o-kind");

  function showFields() {
    var wanted = FIELDS[kind.value] || [];
    form.querySelectorAll("[data-for]").forEach(function (box) { box.hidden = wanted.indexOf(box.dataset.for) < 0; });
  }

  function parseDay(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec((text || "").trim());
    if (!m) return null;
    var d = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
    if (d.getDate() !== Number(m[1]) || d > new Date()) return null;
    return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
  }

  function optionText(select) {
    return select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "";
  }

  function record(e) {
    e.preventDefault();
    var error = document.getElementById("o-error");
    error.hidden = true;
    var occurred = parseDay(document.getElementById("o-date").value);
    if (!occurred) { error.textContent = msg.msgBaddate; error.hidden = false; return; }
    var k = kind.value, wanted = FIELDS[k];
    var value = function (id) { return document.getElementById(id).value; };
    var missing = (wanted.indexOf("person") >= 0 && !value("o-person"))
      || (wanted.indexOf("mother") >= 0 && !value("o-mother"))
      || (wanted.indexOf("child") >= 0 && (!value("o-child").trim() || !value("o-sex")))
      || (wanted.indexOf("method") >= 0 && !value("o-method"))
      || (wanted.indexOf("outcome") >= 0 && !value("o-outcome"));
    if (!data || missing) { error.textContent = data ? msg.msgRequired : msg.msgNodata; error.hidden = false; return; }
    var change = {kind: k, occurred_on: occurred}, subject, text;
    if (k === "birth") {
      subject = person(value("o-mother"));
      var relationship = {"1": "3", "2": "3", "3": "6"}[subject.relationship] || "9";
      change.household = subject.household;
      change.other_person = subject.id;
      change.person_data = {full_name: value("o-child").trim(), sex: value("o-sex"), date_of_birth: occurred,
                            relationship: relationship, ethnicity: subject.ethnicity};
      text = change.person_data.full_name + " (" + msg.msgMother + " " + subject.full_name + ")";
    } else {
      subject = person(value("o-person"));
      change.household = subject.household;
      change.person = subject.id;
      text = subject.full_name;
    }
    if (wanted.indexOf("method") >= 0) { change.method = value("o-method"); text += " · " + optionText(document.getElementById("o-method")); }
    if (wanted.indexOf("outcome") >= 0) { change.outcome = value("o-outcome"); text += " · " + optionText(document.getElementById("o-outcome")); }
    var item = {
      key: newKey(), village: village, change: change, base_version: subject.version,
      made_at: new Date().toISOString(), status: "queued",
      text: optionText(kind) + ": " + text + " · " + document.getElementById("o-date").value.trim()
    };
    DansoOffline.put("queue", item).then(function () {
      form.reset();
      document.getElementById("o-date").value = day(new Date());
      showFields();
      return render();
    }).then(sync);
  }

  // ---- the queue
  function items() {
    return DansoOffline.all("queue").then(function (list) {
      return list.filter(function (i) { return i.village === village; })
        .sort(function (a, b) { return a.made_at < b.made_at ? -1 : 1; });
    });
  }

  function facts(lines) {
    var dl = el("dl", {"class": "facts"});
    (lines || []).forEach(function (line) { dl.appendChild(el("dt", {}, line[0])); dl.appendChild(el("dd", {}, line[1])); });
    return dl;
  }

  function render() {
    return items().then(function (list) {
      var queue = document.getElementById("queue");
      queue.textContent = "";
      document.getElementById("queue-empty").hidden = list.length > 0;
      list.forEach(function (item) {
        var li = el("li", {"class": "q-item status-" + item.status, "data-key": item.key, "data-status": item.status});
        var tag = {queued: "", sent: "", accepted: "ok", refused: "warn", conflict: "warn", applied: "ok", discarded: ""}[item.status];
        li.appendChild(el("span", {"class": "tag " + (tag || "")}, msg["msg" + item.status.charAt(0).toUpperCase() + item.status.slice(1)]));
        li.appendChild(document.createTextNode(" " + item.text));
        var made = new Date(item.made_at);
        li.appendChild(el("br"));
        li.appendChild(el("span", {"class": "muted"}, msg.msgMade + " " + day(made) + " " + made.toTimeString().slice(0, 5)));
        if (item.status === "refused" && item.problems) {
          li.appendChild(el("p", {"class": "errors"}, item.problems.map(function (p) { return p.message; }).join(" ")));
        }
        if (item.status === "conflict" && item.current) {
          var both = el("div", {"class": "side-by-side"});
          var mine = el("section", {"class": "mine"});
          mine.appendChild(el("h3", {}, msg.msgMine));
          mine.appendChild(facts(item.mine));
          var theirs = el("section", {"class": "theirs"});
          theirs.appendChild(el("h3", {}, msg.msgRegister));
          theirs.appendChild(facts(item.current.lines));
          if (item.current.since && item.current.since.length) {
            theirs.appendChild(el("p", {}, msg.msgSince + ":"));
            var ul = el("ul");
            item.current.since.forEach(function (s) { ul.appendChild(el("li", {}, s.text + " (" + s.recorded_by + ")")); });
            theirs.appendChild(ul);
          }
          both.appendChild(mine);
          both.appendChild(theirs);
          li.appendChild(both);
          var apply = el("button", {type: "button", "data-resolve": "apply"}, msg.msgApply);
          var discard = el("button", {type: "button", "class": "button secondary", "data-resolve": "discard"}, msg.msgDiscard);
          li.appendChild(apply);
          li.appendChild(document.createTextNode(" "));
          li.appendChild(discard);
        }
        queue.appendChild(li);
      });
    });
  }

  function answered(item, answer) {
    item.status = answer.status;
    item.server_id = answer.id;
    item.problems = answer.problems;
    item.mine = answer.mine;
    item.current = answer.current;
    return DansoOffline.put("queue", item);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf()}
    });
  }

  function sendOne(device, item) {
    item.status = "sent";
    return DansoOffline.put("queue", item).then(render).then(function () {
      return post(root.dataset.apiChanges, {device: device, items: [
        {key: item.key, made_at: item.made_at, base_version: item.base_version, change: item.change}]});
    }).then(function (r) {
      if (r.status === 200) return r.json().then(function (answers) { return answered(item, answers[0]); });
      if (r.status === 422) {
        return r.json().then(function (problem) {
          item.status = "refused";
          item.problems = problem.errors && problem.errors.length ? problem.errors : [{message: problem.detail}];
          return DansoOffline.put("queue", item);
        });
      }
      item.status = "queued"; // not signed in, or the server failed: try again later
      return DansoOffline.put("queue", item).then(function () {
        throw new Error(r.status === 401 || r.status === 403 ? msg.msgSignin : r.statusText);
      });
    }, function (err) {
      item.status = "queued";
      return DansoOffline.put("queue", item).then(function () { throw err; });
    });
  }

  function refreshDecided() {
    return items().then(function (list) {
      var open = list.filter(function (i) { return i.status === "conflict"; });
      if (!open.length || !navigator.onLine) return null;
      var url = root.dataset.apiMine + "?key_list=" + encodeURIComponent(open.map(function (i) { return i.key; }).join(","));
      return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}}).then(function (r) {
        return r.ok ? r.json() : [];
      }).then(function (answers) {
        return Promise.all(answers.map(function (answer) {
          var item = open.filter(function (i) { return i.key === answer.key; })[0];
          return item ? answered(item, answer) : null;
        }));
      });
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    var error = document.getElementById("o-error");
    return ready.then(function (device) {
      return items().then(function (list) {
        var waiting = list.filter(function (i) { return i.status === "queued" || i.status === "sent"; });
        return waiting.reduce(function (done, item) {
          return done.then(function () { return sendOne(device, item); });
        }, Promise.resolve()).then(function () { return waiting.length; });
      });
    }).then(function (sent) {
      return refreshDecided().then(function () { return sent ? download() : null; });
    }).catch(function (err) {
      error.textContent = err.message;
      error.hidden = false;
    }).then(function () { syncing = false; return render(); });
  }

  function resolve(e) {
    var button = e.target.closest("[data-resolve]");
    if (!button) return;
    var key = button.closest("[data-key]").dataset.key;
    DansoOffline.get("queue", key).then(function (item) {
      return post(root.dataset.apiResolve + item.server_id + "/resolve", {resolution: button.dataset.resolve})
        .then(function (r) {
          return r.json().then(function (answer) {
            if (r.ok) return answered(item, answer).then(download);
            item.problems = answer.errors && answer.errors.length ? answer.errors : [{message: answer.detail}];
            var li = button.closest("[data-key]");
            li.appendChild(el("p", {"class": "errors"}, item.problems.map(function (p) { return p.message; }).join(" ")));
            return r.status === 409 ? refreshDecided() : null;
          });
        });
    }).then(render);
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/ngoai-tuyen/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      // Keep the shell now: this page and the files it uses (the service worker also keeps
      // what it serves later).
      var urls = [location.pathname];
      document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon], link[rel=manifest]").forEach(function (n) {
        urls.push(n.getAttribute("src") || n.getAttribute("href"));
      });
      return caches.open("danso-shell-v1").then(function (cache) {
        return cache.addAll(urls).then(function () {
          return cache.match(location.pathname).then(function (page) { return page && cache.put("/ngoai-tuyen/", page); });
        });
      });
    }).then(function () { root.dataset.shell = "ready"; }).catch(function () {});
  }

  kind.addEventListener("change", showFields);
  form.addEventListener("submit", record);
  document.getElementById("download").addEventListener("click", download);
  document.getElementById("sync").addEventListener("click", sync);
  document.getElementById("queue").addEventListener("click", resolve);
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);

  document.getElementById("o-date").value = day(new Date());
  showFields();
  showNetwork();
  ready.then(function () { return DansoOffline.get("villages", village); }).then(function (kept) {
    data = kept || null;
    showData();
    return render();
  }).then(function () {
    return navigator.onLine ? (data ? sync().then(download) : download().then(sync)) : null;
  }).then(function () { root.dataset.loaded = "1"; });
})();
