// The newsroom's photo widget for CKEditor 4: a photo from the library (or uploaded on the spot) placed in the
// story's text at the cursor, with its caption there. In the editor it is a figure with the photo's thumbnail,
// which can be dragged elsewhere or removed like any widget; in the stored body it is only
// <figure data-photo="ID"><figcaption>caption</figcaption></figure> (articles/richtext.py keeps exactly that),
// and the public page puts the photo's responsive <picture>, alt text and credit in its place.
// The library and upload addresses come from the editor's config (CKEDITOR_CONFIGS: newsroomPhotoLibrary).
(function () {
  "use strict";

  // The admin's pages load Django's JavaScript catalogue (admin:jsi18n), which carries the project's djangojs
  // entries (locale/vi/LC_MESSAGES/djangojs.po); without it the English source shows.
  const gettext = window.gettext || function (text) { return text; };
  const TEXT = {
    button: gettext("Insert a photo"),
    title: gettext("Insert a photo in the story"),
    search: gettext("Search the photo library"),
    searchButton: gettext("Search"),
    empty: gettext("No photo matches."),
    placeholder: gettext("Placeholder"),
    uploadTitle: gettext("Or upload a new photo"),
    file: gettext("Photo file"),
    alt: gettext("Photo description (alt)"),
    credit: gettext("Photo credit"),
    upload: gettext("Upload"),
    uploading: gettext("Uploading…"),
    caption: gettext("Caption in this story"),
    insert: gettext("Insert the photo"),
    cancel: gettext("Cancel"),
    chosen: gettext("Chosen: "),
    failed: gettext("The photo list could not be loaded; try again."),
  };
  const PHOTO_ID = /^[1-9][0-9]{0,17}$/;

  function escapeHtml(value) {
    return CKEDITOR.tools.htmlEncode(String(value || "")).replace(/"/g, "&quot;");
  }

  function plainText(html) {
    // DOMParser builds an inert document: nothing in the caption's markup runs or loads.
    const parsed = new DOMParser().parseFromString(html || "", "text/html");
    return (parsed.body.textContent || "").replace(/\s+/g, " ").trim();
  }

  function fetchPhotos(editor, query) {
    const url = editor.config.newsroomPhotoLibrary + "?" + new URLSearchParams(query).toString();
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (answer) { return answer.photos; });
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // The picker: a <dialog> in the admin page (not in the editing iframe), made once per editor.
  function picker(editor) {
    if (editor._newsroomPicker) {
      return editor._newsroomPicker;
    }
    const dialog = element("dialog", {"class": "nr-photo-picker", "aria-labelledby": editor.name + "-nr-photo-title"});
    dialog.append(element("h2", {id: editor.name + "-nr-photo-title"}, TEXT.title));
    const searchForm = element("form", {"class": "nr-photo-search", role: "search"});
    const searchLabel = element("label", {}, TEXT.search);
    const searchInput = element("input", {type: "search", name: "q"});
    searchLabel.append(searchInput);
    searchForm.append(searchLabel, element("button", {type: "submit"}, TEXT.searchButton));
    const results = element("div", {"class": "nr-photo-results", role: "listbox", "aria-label": TEXT.search});
    const status = element("p", {"class": "nr-photo-status", role: "status"});

    const uploadBox = element("fieldset", {"class": "nr-photo-upload"});
    uploadBox.append(element("legend", {}, TEXT.uploadTitle));
    const fields = {};
    [["upload", TEXT.file, "file"], ["alt_text", TEXT.alt, "text"], ["credit", TEXT.credit, "text"]].forEach(function (spec) {
      const label = element("label", {}, spec[1]);
      fields[spec[0]] = element("input", {type: spec[2], name: spec[0]});
      if (spec[2] === "file") {
        fields[spec[0]].setAttribute("accept", "image/jpeg,image/png,image/webp");
      }
      label.append(fields[spec[0]]);
      uploadBox.append(label);
    });
    const uploadButton = element("button", {type: "button", "class": "nr-photo-upload-button"}, TEXT.upload);
    const uploadErrors = element("ul", {"class": "errorlist", role: "alert"});
    uploadBox.append(uploadButton, uploadErrors);

    const captionLabel = element("label", {"class": "nr-photo-caption"}, TEXT.caption);
    const captionInput = element("textarea", {name: "caption", rows: "2"});
    captionLabel.append(captionInput);
    const chosen = element("p", {"class": "nr-photo-chosen", "aria-live": "polite"});
    const actions = element("div", {"class": "nr-photo-actions"});
    const insertButton = element("button", {type: "button", "class": "default nr-photo-insert", disabled: ""}, TEXT.insert);
    const cancelButton = element("button", {type: "button", "class": "nr-photo-cancel"}, TEXT.cancel);
    actions.append(insertButton, cancelButton);
    dialog.append(searchForm, status, results, uploadBox, captionLabel, chosen, actions);
    document.body.append(dialog);

    const state = {photo: null, ranges: null};

    function choose(photo) {
      state.photo = photo;
      chosen.textContent = TEXT.chosen + (photo.alt_text || "#" + photo.id) + (photo.credit ? " (" + photo.credit + ")" : "");
      insertButton.disabled = false;
      results.querySelectorAll("[aria-selected]").forEach(function (node) {
        node.setAttribute("aria-selected", String(node.dataset.photo === String(photo.id)));
      });
    }

    function show(photos) {
      results.replaceChildren();
      status.textContent = photos.length ? "" : TEXT.empty;
      photos.forEach(function (photo) {
        const option = element("button", {type: "button", role: "option", "aria-selected": "false", "data-photo": String(photo.id)});
        option.append(element("img", {src: photo.thumbnail, alt: ""}));
        option.append(element("span", {}, (photo.placeholder ? TEXT.placeholder + ": " : "") + (photo.alt_text || "#" + photo.id)));
        option.append(element("small", {}, photo.credit));
        option.addEventListener("click", function () { choose(photo); });
        results.append(option);
      });
    }

    function search() {
      fetchPhotos(editor, searchInput.value.trim() ? {q: searchInput.value.trim()} : {}).then(show, function () {
        status.textContent = TEXT.failed;
      });
    }

    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      search();
    });

    uploadButton.addEventListener("click", function () {
      const data = new FormData();
      Object.keys(fields).forEach(function (name) {
        data.append(name, name === "upload" ? (fields[name].files[0] || "") : fields[name].value);
      });
      const token = document.querySelector("input[name=csrfmiddlewaretoken]");
      uploadErrors.replaceChildren();
      uploadButton.disabled = true;
      uploadButton.textContent = TEXT.uploading;
      fetch(editor.config.newsroomPhotoLibrary + "tai-len/", {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"},
      }).then(function (response) {
        return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
      }).then(function (reply) {
        if (!reply.ok) {
          (reply.answer.errors || [TEXT.failed]).forEach(function (message) { uploadErrors.append(element("li", {}, message)); });
          return;
        }
        fields.upload.value = "";
        show([reply.answer.photo]);
        choose(reply.answer.photo);
      }, function () {
        uploadErrors.append(element("li", {}, TEXT.failed));
      }).finally(function () {
        uploadButton.disabled = false;
        uploadButton.textContent = TEXT.upload;
      });
    });

    insertButton.addEventListener("click", function () {
      const photo = state.photo;
      if (!photo) {
        return;
      }
      dialog.close();
      editor.focus();
      if (state.ranges) {
        editor.getSelection().selectRanges(state.ranges);
      }
      editor.insertHtml('<figure data-photo="' + escapeHtml(photo.id) + '"><img src="' + escapeHtml(photo.thumbnail) +
        '" alt="' + escapeHtml(photo.alt_text) + '"><figcaption>' + escapeHtml(captionInput.value.trim()) +
        "</figcaption></figure>");
    });
    cancelButton.addEventListener("click", function () { dialog.close(); editor.focus(); });

    editor._newsroomPicker = {
      open: function () {
        const selection = editor.getSelection();
        state.ranges = selection ? selection.getRanges() : null;
        state.photo = null;
        insertButton.disabled = true;
        chosen.textContent = "";
        captionInput.value = "";
        uploadErrors.replaceChildren();
        dialog.showModal();
        searchInput.focus();
        search();
      },
    };
    return editor._newsroomPicker;
  }

  CKEDITOR.plugins.add("newsroomphoto", {
    requires: "widget",
    init: function (editor) {
      const path = this.path;
      editor.addContentsCss(path + "contents.css");
      CKEDITOR.document.appendStyleSheet(path + "picker.css");

      editor.widgets.add("newsroomphoto", {
        allowedContent: "figure[!data-photo]; img[!src,alt]; figcaption",
        requiredContent: "figure[data-photo]",
        editables: {caption: {selector: "figcaption", allowedContent: "br"}},
        upcast: function (el) {
          if (el.name !== "figure" || !PHOTO_ID.test(el.attributes["data-photo"] || "")) {
            return false;
          }
          if (!el.getFirst(function (child) { return child.name === "img"; })) {
            el.add(new CKEDITOR.htmlParser.element("img", {src: "", alt: ""}), 0);
          }
          if (!el.getFirst(function (child) { return child.name === "figcaption"; })) {
            el.add(new CKEDITOR.htmlParser.element("figcaption"));
          }
          return true;
        },
        downcast: function () {
          const figure = new CKEDITOR.htmlParser.element("figure", {"data-photo": this.element.getAttribute("data-photo")});
          const caption = new CKEDITOR.htmlParser.element("figcaption");
          caption.add(new CKEDITOR.htmlParser.text(CKEDITOR.tools.htmlEncode(plainText(this.editables.caption.getData()))));
          figure.add(caption);
          return figure;
        },
        init: function () {
          const img = this.element.findOne("img");
          if (img && !img.getAttribute("src")) {
            fetchPhotos(editor, {id: this.element.getAttribute("data-photo")}).then(function (photos) {
              if (photos.length) {
                img.setAttribute("src", photos[0].thumbnail);
                img.setAttribute("data-cke-saved-src", photos[0].thumbnail);
                img.setAttribute("alt", photos[0].alt_text);
              }
            });
          }
        },
      });

      editor.addCommand("newsroomPhotoPick", {
        exec: function () { picker(editor).open(); },
        allowedContent: "figure[!data-photo]; figcaption",
        requiredContent: "figure[data-photo]",
      });
      editor.ui.addButton("NewsroomPhoto", {label: TEXT.button, command: "newsroomPhotoPick", toolbar: "insert", icon: "image"});
    },
  });
}());
