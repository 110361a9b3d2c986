// Signing an agreement in the browser with WebCrypto Ed25519.
//
// The private key is made not extractable and kept in this site's IndexedDB: no script, not even
// this one, can read it out, and it never leaves the browser. Only the public key is sent, to be
// registered. To sign, the script fetches the canonical bytes, signs exactly those, and sends the
// signature with the SHA-256 of what it signed; the server checks both before it records anything.
// Every word shown comes from the page (data-msg-*), so that it is translated with the page.
(function () {
  "use strict";

  var box = document.getElementById("webcrypto");
  var missing = document.getElementById("webcrypto-missing");
  if (!box || !window.crypto || !window.crypto.subtle || !window.indexedDB) {
    return;
  }
  var status = document.getElementById("webcrypto-status");
  var registerForm = document.getElementById("webcrypto-register");
  var signForm = document.getElementById("webcrypto-sign");
  var createButton = document.getElementById("webcrypto-create");
  var signButton = document.getElementById("webcrypto-sign-button");
  var DB = "goodoffices-signing";
  var STORE = "keys";
  var ED25519 = { name: "Ed25519" };

  function say(name, fingerprint) {
    var text = box.dataset["msg" + name] || "";
    status.textContent = text.replace("{fingerprint}", fingerprint || "");
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function base64(buffer) {
    var s = "";
    new Uint8Array(buffer).forEach(function (b) {
      s += String.fromCharCode(b);
    });
    return btoa(s);
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "fingerprint" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function run(db, mode, action) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction(STORE, mode);
      var request = action(transaction.objectStore(STORE));
      transaction.oncomplete = function () {
        resolve(request ? request.result : undefined);
      };
      transaction.onerror = function () {
        reject(transaction.error);
      };
    });
  }

  function registered() {
    return (box.dataset.keys || "")
      .split(" ")
      .filter(Boolean)
      .map(function (pair) {
        var parts = pair.split(":");
        return { id: parts[0], fingerprint: parts[1] };
      });
  }

  async function supported() {
    try {
      await crypto.subtle.generateKey(ED25519, false, ["sign", "verify"]);
      return true;
    } catch (error) {
      return false;
    }
  }

  async function heldKey(db) {
    var keys = registered();
    for (var i = 0; i < keys.length; i++) {
      var record = await run(db, "readonly", function (store) {
        return store.get(keys[i].fingerprint);
      });
      if (record) {
        return { id: keys[i].id, fingerprint: keys[i].fingerprint, privateKey: record.privateKey };
      }
    }
    return null;
  }

  async function create(db) {
    createButton.disabled = true;
    say("Making");
    try {
      var pair = await crypto.subtle.generateKey(ED25519, false, ["sign", "verify"]);
      var raw = await crypto.subtle.exportKey("raw", pair.publicKey);
      var fingerprint = hex(await crypto.subtle.digest("SHA-256", raw));
      await run(db, "readwrite", function (store) {
        return store.put({
          fingerprint: fingerprint,
          privateKey: pair.privateKey,
          publicKey: pair.publicKey,
          created: new Date().toISOString(),
        });
      });
      registerForm.elements.public_key.value = base64(raw);
      registerForm.elements.label.value = box.dataset.label || "";
      registerForm.submit();
    } catch (error) {
      createButton.disabled = false;
      say("Failed");
    }
  }

  async function sign(held) {
    signButton.disabled = true;
    say("Signing", held.fingerprint.slice(0, 16));
    try {
      var response = await fetch(box.dataset.canonicalUrl, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) {
        throw new Error("canonical bytes: HTTP " + response.status);
      }
      var bytes = await response.arrayBuffer();
      var digest = hex(await crypto.subtle.digest("SHA-256", bytes));
      var signature = await crypto.subtle.sign(ED25519, held.privateKey, bytes);
      signForm.elements.key.value = held.id;
      signForm.elements.signature.value = base64(signature);
      signForm.elements.sha256.value = digest;
      signForm.submit();
    } catch (error) {
      signButton.disabled = false;
      say("Failed");
    }
  }

  async function main() {
    if (!(await supported())) {
      return;
    }
    missing.hidden = true;
    box.hidden = false;
    var db = await openDb();
    var held = await heldKey(db);
    if (held) {
      say("Held", held.fingerprint.slice(0, 16));
      signForm.hidden = false;
      createButton.hidden = true;
      signButton.addEventListener("click", function () {
        sign(held);
      });
    } else {
      say("None");
    }
    createButton.addEventListener("click", function () {
      create(db);
    });
  }

  main();
})();
