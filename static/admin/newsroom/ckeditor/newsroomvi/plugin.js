// CKEditor 4 in Vietnamese throughout: the words its own Vietnamese translation leaves in English (the link
// dialog's "Display Text" and "Phone", the headings, the screen-reader label "Rich Text Editor, id_body"), and a
// link dialog that offers only what the server keeps (articles/richtext.py: http, https, mailto and this site's
// own paths; ftp://, news:// and tel: links would be dropped on save). Loaded as an external plugin by
// CKEDITOR_CONFIGS in newsroom/settings/base.py.
/* global CKEDITOR */
"use strict";
(function () {
  // The admin's JavaScript catalogue (its jsi18n script, which carries locale/vi/LC_MESSAGES/djangojs.po) is on
  // every form page before the editor starts.
  const gettext = window.gettext || ((text) => text);
  const OWN_WORDS = {
    application: gettext("Text editor"),
    format: {
      tag_p: gettext("Paragraph"), tag_h1: gettext("Heading level 1"), tag_h2: gettext("Heading level 2"),
      tag_h3: gettext("Heading level 3"), tag_h4: gettext("Heading level 4"), tag_h5: gettext("Heading level 5"),
      tag_h6: gettext("Heading level 6"), tag_address: gettext("Address"),
    },
    link: {
      displayText: gettext("Text to display"),
      toUrl: gettext("Web address"),
      toPhone: gettext("Phone number"),
      phoneNumber: gettext("Phone number"),
      noTel: gettext("Please type the phone number."),
      download: gettext("Force a download"),
      anchor: {errorWhitespace: gettext("An anchor name cannot contain spaces.")},
    },
    toolbar: {toolbarGroups: {clipboard: gettext("Clipboard and undo")}},
    clipboard: {
      pasteNotification: gettext("Press %1 to paste. Your browser does not paste from the toolbar or the context menu."),
      pasteMsg: gettext("Paste into the box below, then press OK."),
      fileFormatNotSupportedNotification: gettext("Files of the ${formats} format are not supported."),
      fileWithoutFormatNotSupportedNotification: gettext("This file format is not supported."),
    },
    pastetext: {
      pasteNotification: gettext("Press %1 to paste. Your browser does not paste from the toolbar or the context menu."),
    },
    notification: {closed: gettext("Notice closed.")},
    widget: {label: gettext("%1 widget")},
  };
  // Link types and protocols the sanitiser keeps; the dialog offers nothing else.
  const LINK_TYPES = ["url", "anchor", "email"];
  const PROTOCOLS = ["http://", "https://", ""];

  function fill(target, source) {
    Object.keys(source).forEach((key) => {
      if (typeof source[key] === "object") {
        target[key] = target[key] || {};
        fill(target[key], source[key]);
      } else {
        target[key] = source[key];
      }
    });
  }

  function fieldLabel(editor) {
    const label = document.querySelector("label[for='" + editor.name + "']");
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  CKEDITOR.plugins.add("newsroomvi", {
    beforeInit(editor) {
      if (editor.langCode !== "vi") {
        return;
      }
      fill(editor.lang, OWN_WORDS);
      // What a screen reader announces: the field's own label ("Nội dung"), not "Rich Text Editor, id_body".
      const name = fieldLabel(editor);
      editor.title = name || OWN_WORDS.application;
      editor.applicationTitle = name ? OWN_WORDS.application + ": " + name : OWN_WORDS.application;
    },
  });

  CKEDITOR.on("dialogDefinition", (event) => {
    if (event.data.name !== "link") {
      return;
    }
    const info = event.data.definition.getContents("info");
    const linkType = info && info.get("linkType");
    if (linkType) {
      linkType.items = linkType.items.filter((item) => LINK_TYPES.includes(item[1]));
    }
    const protocol = info && info.get("protocol");
    if (protocol) {
      protocol.items = protocol.items.filter((item) => PROTOCOLS.includes(item[1]));
    }
  });
})();
