// smr serve's shared worker: one event stream from serve for every open tab of the preview
// (see reload.js). Each tab gets serve's state when it connects and whenever it changes.
"use strict";

var ports = [];
var last = null;
var events = new EventSource("/__smr/events");

events.addEventListener("state", function (event) {
  last = JSON.parse(event.data);
  ports.forEach(function (port) {
    port.postMessage(last);
  });
});

self.addEventListener("connect", function (event) {
  var port = event.ports[0];
  ports.push(port);
  port.addEventListener("message", function (message) {
    if (message.data === "gone") {   // the tab was closed or went to another page
      ports = ports.filter(function (other) {
        return other !== port;
      });
    }
  });
  port.start();
  if (last) {
    port.postMessage(last);
  }
});
