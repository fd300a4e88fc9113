// CKEditor 4 in Vietnamese throughout: the words its own Vietnamese translation leaves in English (the link
// dialog's "Display Text" and "Phone", the headings, the screen-reader label "Rich Text Editor, id_body"), and a
// link dialog that offers only what the server keeps (articles/richtext.py: http, https, mailto and this site's
// own paths; ftp://, news:// and tel: links would be dropped on save). Loaded as an external plugin by
// CKEDITOR_CONFIGS in newsroom/settings/base.py.
/* global CKEDITOR */
"use strict";
(function () {
  const VIETNAMESE = {
    application: "Trình soạn thảo",
    format: {
      tag_p: "Đoạn văn", tag_h1: "Tiêu đề cấp 1", tag_h2: "Tiêu đề cấp 2", tag_h3: "Tiêu đề cấp 3", tag_h4: "Tiêu đề cấp 4",
      tag_h5: "Tiêu đề cấp 5", tag_h6: "Tiêu đề cấp 6", tag_address: "Địa chỉ",
    },
    link: {
      displayText: "Chữ hiển thị",
      toUrl: "Địa chỉ web",
      toPhone: "Số điện thoại",
      phoneNumber: "Số điện thoại",
      noTel: "Hãy nhập số điện thoại",
      download: "Buộc tải xuống",
      anchor: {errorWhitespace: "Tên điểm neo không được có dấu cách"},
    },
    toolbar: {toolbarGroups: {clipboard: "Bộ nhớ tạm/Hoàn tác"}},
    clipboard: {
      pasteNotification: "Nhấn %1 để dán. Trình duyệt không cho dán bằng nút trên thanh công cụ hay menu chuột phải.",
      pasteMsg: "Dán nội dung vào ô dưới đây rồi bấm Đồng ý.",
      fileFormatNotSupportedNotification: "Không hỗ trợ tệp định dạng ${formats}.",
      fileWithoutFormatNotSupportedNotification: "Không hỗ trợ định dạng tệp này.",
    },
    pastetext: {
      pasteNotification: "Nhấn %1 để dán. Trình duyệt không cho dán bằng nút trên thanh công cụ hay menu chuột phải.",
    },
    notification: {closed: "Đã đóng thông báo."},
    widget: {label: "Tiện ích %1"},
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
      fill(editor.lang, VIETNAMESE);
      // What a screen reader announces: the field's own label ("Nội dung"), not "Rich Text Editor, id_body".
      const name = fieldLabel(editor);
      editor.title = name || VIETNAMESE.application;
      editor.applicationTitle = name ? VIETNAMESE.application + ": " + name : VIETNAMESE.application;
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
